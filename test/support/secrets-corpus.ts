/**
 * A corpus of secret shapes, built from the providers' documented formats.
 *
 * Every value is assembled at run time from parts and a seeded generator, so
 * this file holds no literal that a secret scanner or a push-protection hook
 * would flag, while the generated values have the length, alphabet and
 * entropy of real ones (scanners that skip low-entropy "examples" still see
 * them). `secret` is the fragment that must not survive anywhere; `text` is
 * how a person or a log would write it.
 */

export interface SecretCase {
  name: string;
  /** The kind our scrubber reports for it. */
  kind: string;
  text: string;
  secret: string;
  /** Needs its line breaks (only fields that keep lines: job output, files). */
  multiline?: boolean;
}

const j = (...parts: string[]) => parts.join('');

/** A deterministic generator (mulberry32): the corpus is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = `${ALNUM}+/`;
const URLSAFE = `${ALNUM}-_`;
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

export function makeCorpus(seed = 20260322): SecretCase[] {
  const next = rng(seed);
  /** Random characters from `alphabet`; at least one digit, one lower and one upper where the alphabet has them. */
  const rand = (alphabet: string, n: number): string => {
    for (;;) {
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      const needs = [/[0-9]/, /[a-z]/, /[A-Z]/].filter((re) => re.test(alphabet));
      if (n < 8 || needs.every((re) => re.test(s))) return s;
    }
  };
  const hex = (n: number) => rand(HEX, n);
  const alnum = (n: number) => rand(ALNUM, n);
  const pw = () => j(alnum(6), rand('!%*-+=', 1), alnum(6));
  const base64Block = (lines: number) => Array.from({ length: lines }, () => rand(B64, 64)).join('\n');

  const cases: SecretCase[] = [];
  const add = (name: string, kind: string, text: (s: string) => string, secret: string, multiline = false) =>
    cases.push({ name, kind, text: text(secret), secret, ...(multiline ? { multiline } : {}) });

  // GitHub, GitLab
  const ghBody = alnum(36);
  add('github classic PAT', 'github', (s) => `pushed with ${j('gh', 'p_')}${s} from CI`, ghBody);
  add('github OAuth token', 'github', (s) => `GH_TOKEN was ${j('gh', 'o_')}${s}`, alnum(36));
  add('github app server token', 'github', (s) => `x-access token ${j('gh', 's_')}${s}`, alnum(36));
  add('github fine-grained PAT', 'github', (s) => `token ${j('github', '_pat_')}${s}`, j(alnum(22), '_', alnum(59)));
  add('gitlab PAT', 'gitlab', (s) => `remote uses ${j('gl', 'pat-')}${s}`, rand(URLSAFE, 20));
  // Cloud
  add('AWS access key id', 'aws', (s) => `aws key ${j('AK', 'IA')}${s} in use`, rand(UPPER_NUM, 16));
  add('AWS secret access key', 'aws', (s) => `aws_secret_access_key = ${s}`, rand(B64, 40));
  const azKey = j(rand(B64, 86), '==');
  add(
    'Azure storage AccountKey',
    'azure',
    (s) =>
      `conn DefaultEndpointsProtocol=https;AccountName=mlruns;${j('Account', 'Key=')}${s};EndpointSuffix=core.windows.net`,
    azKey,
  );
  add(
    'Azure SAS signature',
    'azure',
    (s) =>
      `blob https://mlruns.blob.core.windows.net/ckpt?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-04-01&${j('si', 'g=')}${s}`,
    j(rand(ALNUM, 43), '%3D'),
  );
  add('Google API key', 'google_api', (s) => `maps ${j('AI', 'za')}${s}`, rand(URLSAFE, 35));
  add('GCP OAuth client secret', 'gcp_oauth', (s) => `client secret ${j('GOC', 'SPX-')}${s}`, rand(URLSAFE, 28));
  add(
    'GCP service-account private key (JSON)',
    'private_key',
    (s) =>
      `{"type": "service_account", "private_key": "${j('-----BEGIN ', 'PRIVATE KEY-----')}\\n${s}\\n-----END PRIVATE KEY-----\\n"}`,
    j('MIIEv', rand(B64, 60)),
  );
  add('DigitalOcean token', 'digitalocean', (s) => `doctl auth ${j('do', 'p_v1_')}${s}`, hex(64));
  add('Databricks token', 'databricks', (s) => `databricks ${j('da', 'pi')}${s}`, hex(32));
  // ML platforms
  const wandbKey = hex(40);
  add('W&B key in env', 'wandb', (s) => `WANDB_API_KEY=${s} python train.py`, wandbKey);
  add('W&B key as --wandb-key', 'flag_value', (s) => `python train.py --wandb-key ${s} --lr 3e-4`, hex(40));
  add('W&B key in wandb login', 'wandb', (s) => `wandb login --relogin ${s}`, hex(40));
  add('W&B v1 key', 'wandb', (s) => `key ${j('wandb', '_v1_')}${s}`, j(alnum(20), '_', alnum(40)));
  add('Hugging Face token', 'huggingface', (s) => `hub ${j('h', 'f_')}${s}`, alnum(34));
  add(
    'OpenAI project key',
    'openai',
    (s) => `OPENAI ${j('s', 'k-proj-')}${s}`,
    j(rand(URLSAFE, 74), 'T3Blbk', 'FJ', rand(URLSAFE, 74)),
  );
  add('Anthropic key', 'anthropic', (s) => `claude ${j('s', 'k-ant-', 'api03-')}${s}`, j(rand(URLSAFE, 93), 'AA'));
  add('Replicate token', 'replicate', (s) => `REPLICATE ${j('r', '8_')}${s}`, alnum(37));
  add('Groq key', 'groq', (s) => `groq ${j('gs', 'k_')}${s}`, alnum(52));
  add('Kaggle key (kaggle.json)', 'kaggle', (s) => `{"username":"alice","${j('ke', 'y')}":"${s}"}`, hex(32));
  // Payments, messaging, mail
  add('Stripe live secret key', 'stripe', (s) => `billing ${j('sk', '_live_')}${s}`, alnum(99));
  add('Stripe restricted key', 'stripe', (s) => `billing ${j('rk', '_live_')}${s}`, alnum(24));
  add('Stripe webhook secret', 'stripe', (s) => `hook secret ${j('wh', 'sec_')}${s}`, alnum(32));
  add(
    'Slack bot token',
    'slack',
    (s) => `bot ${j('xo', 'xb-')}${s}`,
    j(rand('0123456789', 12), '-', rand('0123456789', 13), '-', alnum(24)),
  );
  add(
    'Slack webhook',
    'slack',
    (s) => `notify https://hooks.slack.com/services/${s}`,
    j('T', rand(UPPER_NUM, 10), '/B', rand(UPPER_NUM, 10), '/', alnum(24)),
  );
  add(
    'Discord webhook',
    'discord',
    (s) => `post to https://discord.com/api/webhooks/${rand('0123456789', 18)}/${s}`,
    rand(URLSAFE, 68),
  );
  add('Telegram bot token', 'telegram', (s) => `bot ${rand('0123456789', 10)}:${s}`, j('AA', rand(URLSAFE, 33)));
  add('Twilio API key', 'twilio', (s) => `twilio ${j('S', 'K')}${s}`, hex(32));
  add('SendGrid key', 'sendgrid', (s) => `mail ${j('S', 'G.')}${s}`, j(rand(URLSAFE, 22), '.', rand(URLSAFE, 43)));
  add('Mailgun key', 'mailgun', (s) => `mailgun ${j('ke', 'y-')}${s}`, hex(32));
  // Dev and ops tools
  add('npm token', 'npm', (s) => `publish ${j('np', 'm_')}${s}`, alnum(36));
  add('npmrc auth token', 'npm', (s) => `//registry.npmjs.org/:${j('_auth', 'Token=')}${s}`, rand(URLSAFE, 40));
  add('PyPI token', 'pypi', (s) => `twine ${j('py', 'pi-AgEIcHlwaS5vcmc')}${s}`, rand(URLSAFE, 70));
  add('Docker Hub PAT', 'docker', (s) => `docker login -u ci ${j('dck', 'r_pat_')}${s}`, rand(URLSAFE, 27));
  add('Vault service token', 'vault', (s) => `VAULT ${j('hv', 's.')}${s}`, rand(URLSAFE, 90));
  add('Shopify access token', 'shopify', (s) => `shop ${j('shp', 'at_')}${s}`, hex(32));
  add('Linear API key', 'linear', (s) => `linear ${j('lin', '_api_')}${s}`, alnum(40));
  add('1Password service token', 'onepassword', (s) => `op ${j('op', 's_')}${s}`, j('eyJ', rand(B64, 140), 'fQ=='));
  add('Doppler token', 'doppler', (s) => `doppler ${j('dp', '.st.')}${s}`, rand(URLSAFE, 40));
  add('Postman key', 'postman', (s) => `postman ${j('PM', 'AK-')}${s}`, j(hex(24), '-', hex(34)));
  add('Grafana service account token', 'grafana', (s) => `grafana ${j('gl', 'sa_')}${s}`, j(alnum(32), '_', hex(8)));
  add('Sentry org token', 'sentry', (s) => `sentry ${j('sntr', 'ys_')}${s}`, j('eyJ', rand(B64, 80)));
  add('New Relic user key', 'newrelic', (s) => `newrelic ${j('NR', 'AK-')}${s}`, rand(UPPER_NUM, 27));
  add('Pulumi token', 'pulumi', (s) => `pulumi ${j('pu', 'l-')}${s}`, hex(40));
  add('Terraform Cloud token', 'terraform', (s) => `tfc ${alnum(14)}.${j('atlas', 'v1')}.${s}`, rand(URLSAFE, 67));
  add('Supabase token', 'supabase', (s) => `supabase ${j('sb', 'p_')}${s}`, hex(40));
  add(
    'Tailscale auth key',
    'tailscale',
    (s) => `tailscale up --authkey=${j('ts', 'key-auth-')}${s}`,
    j(alnum(12), 'CNTRL-', alnum(33)),
  );
  add('age secret key', 'age', (s) => `age ${j('AGE-SECRET', '-KEY-1')}${s}`, rand(BECH32, 58));
  // Private keys
  add(
    'RSA private key (PEM)',
    'private_key',
    (s) => `${j('-----BEGIN ', 'RSA PRIVATE KEY-----')}\n${s}\n-----END RSA PRIVATE KEY-----`,
    j('MIIEow', base64Block(3)),
    true,
  );
  add(
    'OpenSSH private key',
    'private_key',
    (s) => `${j('-----BEGIN ', 'OPENSSH PRIVATE KEY-----')}\n${s}\n-----END OPENSSH PRIVATE KEY-----`,
    j('b3BlbnNzaC1rZXktdjEAAAAA', base64Block(2)),
    true,
  );
  // Headers, URLs, connection strings
  add(
    'JWT',
    'jwt',
    (s) => `cookie=${s};`,
    j('ey', 'JhbGciOiJIUzI1NiJ9.', 'ey', 'J', rand(URLSAFE, 40), '.', rand(URLSAFE, 43)),
  );
  add(
    'Bearer header',
    'bearer',
    (s) => `curl -H "Authorization: Bearer ${s}" https://api.example.com`,
    rand(URLSAFE, 40),
  );
  add('Basic auth header', 'authorization', (s) => `Authorization: Basic ${s}`, rand(B64, 32));
  add('URL userinfo', 'url_credentials', (s) => `git clone https://alice:${s}@git.example.com/r.git`, alnum(16));
  add(
    'URL userinfo with #',
    'url_credentials',
    (s) => `endpoint https://bob:${s}@minio.example.com:9000/bucket`,
    j(alnum(8), '#', alnum(8)),
  );
  add(
    'URL userinfo with /',
    'url_credentials',
    (s) => `mirror https://carol:${s}@pkgs.example.com/simple`,
    j(alnum(8), '/', alnum(8)),
  );
  add('PostgreSQL URL', 'url_credentials', (s) => `DB postgresql://trainer:${s}@db.example.com:5432/runs`, alnum(18));
  add('MongoDB SRV URL', 'url_credentials', (s) => `mongo mongodb+srv://ml:${s}@cluster0.example.net/runs`, alnum(18));
  add('netrc entry', 'netrc', (s) => `machine api.example.com login bob password ${s}`, pw());
  // Command lines
  add('sshpass -p', 'password_flag', (s) => `sshpass -p ${s} ssh alice@gpu-node-1 nvidia-smi`, pw());
  add('mysql -p<password>', 'password_flag', (s) => `mysql -u root -p${s} -h 127.0.0.1 runs`, pw());
  add('--db-pass flag', 'flag_value', (s) => `python eval.py --db-pass ${s} --split val`, pw());
  add('--api-token flag', 'flag_value', (s) => `python upload.py --api-token=${s}`, alnum(30));
  add('--key flag', 'flag_value', (s) => `python push.py --key ${s} --repo org/model`, alnum(40));
  add('env assignment', 'env_assignment', (s) => `MY_SERVICE_TOKEN=${s} ./launch.sh`, alnum(32));
  // Line breaks between a name and its value
  add('W&B key on the next line', 'wandb', (s) => `export WANDB_API_KEY=\n${s}\n`, hex(40));
  add('password on the next line', 'env_assignment', (s) => `db:\n  password:\n    ${s}\n`, pw());
  return cases;
}
