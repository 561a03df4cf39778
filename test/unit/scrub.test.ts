import { describe, expect, it } from 'vitest';
import { RunlogError } from '../../src/core/errors.js';
import {
  DEFAULT_RULES,
  compileRules,
  scrub,
  scrubArgv,
  scrubEnv,
  scrubWithReport,
} from '../../src/core/scrub/scrub.js';
import { makeCorpus } from '../support/secrets-corpus.js';

/**
 * Fixture secrets are assembled at run time so this file never holds a
 * literal that secret scanners (or a push-protection hook) would flag.
 */
const j = (...parts: string[]) => parts.join('');
const rep = (s: string, n: number) => s.repeat(n);

const GH_CLASSIC = j('gh', 'p_', rep('A1b2C3d4E5', 4));
const GH_FINE = j('github', '_pat_', rep('11ABCDEFG', 3), '_', rep('xYz987', 10));
const GL = j('gl', 'pat-', rep('Ab3_', 6));
const AWS_ID = j('AK', 'IA', 'IOSFODNN7EXAMPLE');
const AWS_SECRET = j('wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY');
const WANDB_HEX = j('8f3a', rep('0b1c2d3e4f', 3), '5a6b7c');
const WANDB_V1 = j('wandb', '_v1_', rep('Qx7Lm2', 5), '_', rep('Pz9Kd4', 9));
const WANDB_LOCAL = j('local-', rep('a1b2c3d4', 5));
const HF = j('h', 'f_', rep('AbCdEfGh12', 3), 'XyZw');
const SLACK_BOT = j('xo', 'xb-', '1234567890-0987654321-', rep('aBcD', 6));
const SLACK_HOOK_PATH = j('T0000', 'AAAA/B0000BBBB/', rep('cCdD', 6));
const OPENAI = j('s', 'k-', rep('Ab1Cd2Ef3G', 5));
const OPENAI_PROJ = j('s', 'k-proj-', rep('Zy9_Xw8-Vu7', 8));
const ANTHROPIC = j('s', 'k-ant-api03-', rep('Qw3Er4Ty5U', 9));
const NPM = j('np', 'm_', rep('aB3dE6gH9j', 4));
const PYPI = j('py', 'pi-AgEIcHlwaS5vcmc', rep('Cj9kLm2NoP_-', 6));
const GOOGLE = j('AI', 'za', rep('SyD3fG7hJ', 4));
const JWT = j(
  'ey',
  'JhbGciOiJIUzI1NiJ9',
  '.',
  'ey',
  'JzdWIiOiIxMjM0NTY3ODkwIn0',
  '.',
  'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
);
const PEM = j(
  '-----BEGIN ',
  'RSA PRIVATE KEY-----\n',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n',
  '4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onL\n',
  '-----END RSA PRIVATE KEY-----',
);
const GIT_SHA = '4f8b2c1d9e0a7b6c5d4e3f2a1b0c9d8e7f6a5b4c';

interface Case {
  input: string;
  expected: string;
  /** Fragments that must not survive. */
  secrets: string[];
}

/** Every default kind: inputs it must redact (exactly as expected) and look-alikes it must leave alone. */
const TABLE: Record<string, { positive: Case[]; negative: string[] }> = {
  github: {
    positive: [
      { input: `token ${GH_CLASSIC} used`, expected: 'token [REDACTED:github] used', secrets: [GH_CLASSIC.slice(4)] },
      { input: `GH=${GH_FINE}`, expected: 'GH=[REDACTED:github]', secrets: [GH_FINE.slice(11)] },
      {
        input: j('gh', 's_', rep('Zz9', 12), ' and gh', 'o_', rep('Yy8', 12)),
        expected: '[REDACTED:github] and [REDACTED:github]',
        secrets: [rep('Zz9', 12), rep('Yy8', 12)],
      },
    ],
    negative: ['ghp_short123', 'branch gh_pages_deploy', 'a_ghp_is_not_enough'],
  },
  gitlab: {
    positive: [{ input: `remote ${GL}`, expected: 'remote [REDACTED:gitlab]', secrets: [GL.slice(6)] }],
    negative: ['glpat-short', 'see the glpat- docs'],
  },
  aws: {
    positive: [
      { input: `key id ${AWS_ID} ok`, expected: 'key id [REDACTED:aws] ok', secrets: [AWS_ID.slice(4)] },
      {
        input: `aws_secret_access_key = ${AWS_SECRET}`,
        expected: 'aws_secret_access_key = [REDACTED:aws]',
        secrets: [AWS_SECRET],
      },
      {
        input: `AWS_SECRET_ACCESS_KEY="${AWS_SECRET}"`,
        expected: 'AWS_SECRET_ACCESS_KEY="[REDACTED:aws]"',
        secrets: [AWS_SECRET],
      },
    ],
    negative: ['AKIA1234', 'AKIAIOSFODNN7EXAMPLEXTRA5', 'secret_access_key_rotation_days: 90'],
  },
  wandb: {
    positive: [
      {
        input: `WANDB_API_KEY=${WANDB_HEX} python train.py`,
        expected: 'WANDB_API_KEY=[REDACTED:wandb] python train.py',
        secrets: [WANDB_HEX],
      },
      {
        input: `$ wandb login --relogin ${WANDB_HEX}`,
        expected: '$ wandb login --relogin [REDACTED:wandb]',
        secrets: [WANDB_HEX],
      },
      {
        input: `wandb.login(key="${WANDB_HEX}")`,
        expected: 'wandb.login(key="[REDACTED:wandb]")',
        secrets: [WANDB_HEX],
      },
      {
        input: `export WANDB_API_KEY="${WANDB_V1}"`,
        expected: 'export WANDB_API_KEY="[REDACTED:wandb]"',
        secrets: [WANDB_V1.slice(9)],
      },
      { input: `key ${WANDB_V1}`, expected: 'key [REDACTED:wandb]', secrets: [WANDB_V1.slice(9)] },
      {
        input: `self-hosted ${WANDB_LOCAL}`,
        expected: 'self-hosted [REDACTED:wandb]',
        secrets: [WANDB_LOCAL.slice(6)],
      },
      {
        input: `machine api.wandb.ai\n  login user\n  password ${WANDB_HEX}\n`,
        expected: 'machine api.wandb.ai\n  login user\n  password [REDACTED:wandb]\n',
        secrets: [WANDB_HEX],
      },
    ],
    negative: [
      `git SHA ${GIT_SHA}`,
      `- Git SHA: ${GIT_SHA} (dirty: no)`,
      `commit ${GIT_SHA}\nAuthor: a <a@b.c>`,
      'wandb login',
      'W&B: https://wandb.ai/team/project/runs/abc123',
      'WANDB_PROJECT=arx5 WANDB_MODE=offline',
      'wandb: Syncing run glorious-sun-12',
    ],
  },
  huggingface: {
    positive: [{ input: `hub ${HF}`, expected: 'hub [REDACTED:huggingface]', secrets: [HF.slice(3)] }],
    negative: ['hf_hub_download', 'hf_short123', 'HF_HOME=/scratch/hf'],
  },
  slack: {
    positive: [
      { input: `bot ${SLACK_BOT}`, expected: 'bot [REDACTED:slack]', secrets: [SLACK_BOT.slice(5)] },
      {
        input: `hook https://hooks.slack.com/services/${SLACK_HOOK_PATH} end`,
        expected: 'hook https://hooks.slack.com/services/[REDACTED:slack] end',
        secrets: [SLACK_HOOK_PATH],
      },
    ],
    negative: ['xoxb-', 'posted to #ml-runs on slack', 'https://slack.com/help'],
  },
  openai: {
    positive: [
      { input: `key ${OPENAI}`, expected: 'key [REDACTED:openai]', secrets: [OPENAI.slice(3)] },
      { input: `key=${OPENAI_PROJ}`, expected: 'key=[REDACTED:openai]', secrets: [OPENAI_PROJ.slice(8)] },
    ],
    negative: ['sk-short', 'run sk-resnet50-imagenet-baseline-lowlr', 'task-Ab1Cd2Ef3GAb1Cd2Ef3GAb1Cd2'],
  },
  anthropic: {
    positive: [{ input: `"${ANTHROPIC}"`, expected: '"[REDACTED:anthropic]"', secrets: [ANTHROPIC.slice(13)] }],
    negative: ['sk-ant-short', 'the sk-ant- prefix'],
  },
  stripe: {
    positive: [
      {
        input: `STRIPE ${j('sk', '_live_')}${rep('4eC39HqLyj', 3)}`,
        expected: 'STRIPE [REDACTED:stripe]',
        secrets: [rep('4eC39HqLyj', 3)],
      },
    ],
    negative: [`publishable ${j('pk', '_live_')}${rep('4eC39HqLyj', 3)}`, 'sk_live_', 'task_live_stream'],
  },
  azure: {
    positive: [
      {
        input: `AccountName=a;${j('Account', 'Key=')}${rep('Eby8vdM02xNO', 6)}==;EndpointSuffix=x`,
        expected: 'AccountName=a;AccountKey=[REDACTED:azure];EndpointSuffix=x',
        secrets: [rep('Eby8vdM02xNO', 6)],
      },
      {
        input: `https://a.blob.core.windows.net/c?sv=2022&${j('si', 'g=')}${rep('Zk3Qw9', 5)}%3D`,
        expected: 'https://a.blob.core.windows.net/c?sv=2022&sig=[REDACTED:azure]',
        secrets: [rep('Zk3Qw9', 5)],
      },
    ],
    negative: ['AccountName=mlruns;EndpointSuffix=core.windows.net', 'the sig= parameter', 'signal=15'],
  },
  discord: {
    positive: [
      {
        input: `https://discord.com/api/webhooks/123456789012345678/${rep('aB3-x_', 12)}`,
        expected: 'https://discord.com/api/webhooks/123456789012345678/[REDACTED:discord]',
        secrets: [rep('aB3-x_', 12)],
      },
    ],
    negative: ['https://discord.com/channels/123/456', 'https://discord.com/api/webhooks'],
  },
  docker: {
    positive: [
      {
        input: `docker login -p ${j('dck', 'r_pat_')}${rep('Xy7_Qz', 5)}`,
        expected: 'docker login -p [REDACTED:docker]',
        secrets: [rep('Xy7_Qz', 5)],
      },
    ],
    negative: ['dckr_pat_', 'docker_path=/var/lib/docker'],
  },
  vault: {
    positive: [
      {
        input: `VAULT_TOKEN=${j('hv', 's.')}${rep('CAESIJk3', 4)}`,
        expected: 'VAULT_TOKEN=[REDACTED:vault]',
        secrets: [rep('CAESIJk3', 4)],
      },
    ],
    negative: ['hvs.short', 'charts.hvs.example'],
  },
  password_flag: {
    positive: [
      {
        input: 'sshpass -p "s3cr3t pw" ssh host',
        expected: 'sshpass -p "[REDACTED:password_flag]" ssh host',
        secrets: ['s3cr3t pw'],
      },
      {
        input: 'sshpass -e -p hunter22 rsync a b',
        expected: 'sshpass -e -p [REDACTED:password_flag] rsync a b',
        secrets: ['hunter22'],
      },
      {
        input: 'mysqldump -u root -pHunter22 runs > x.sql',
        expected: 'mysqldump -u root -p[REDACTED:password_flag] runs > x.sql',
        secrets: ['Hunter22'],
      },
    ],
    negative: [
      'mysql -u root -p runs',
      'mysql -P3306 -h db runs',
      'sshpass -f ~/.pw ssh host',
      'mysql -p$MYSQL_PWD runs',
      'python -m pip install',
    ],
  },
  npm: {
    positive: [
      {
        input: `//registry.npmjs.org/:_authToken=${NPM}`,
        expected: '//registry.npmjs.org/:_authToken=[REDACTED:npm]',
        secrets: [NPM.slice(4)],
      },
    ],
    negative: ['npm_config_cache=/tmp/npm', 'npm_lifecycle_event'],
  },
  pypi: {
    positive: [{ input: `password = ${PYPI}`, expected: 'password = [REDACTED:pypi]', secrets: [PYPI.slice(20)] }],
    negative: ['pypi-simple', 'https://pypi.org/project/torch/'],
  },
  google_api: {
    positive: [{ input: `maps ${GOOGLE}`, expected: 'maps [REDACTED:google_api]', secrets: [GOOGLE.slice(4)] }],
    negative: ['AIza', 'Aizawa et al. 2021'],
  },
  jwt: {
    positive: [{ input: `cookie=${JWT};`, expected: 'cookie=[REDACTED:jwt];', secrets: [JWT.slice(30)] }],
    negative: ['eyJ0eXAi', 'file.eyJ.json'],
  },
  bearer: {
    positive: [
      {
        input: 'Authorization: Bearer abc.def-ghi',
        expected: 'Authorization: Bearer [REDACTED:bearer]',
        secrets: ['abc.def-ghi'],
      },
      {
        input: `-H "authorization: bearer opaqueTokenValue"`,
        expected: '-H "authorization: bearer [REDACTED:bearer]"',
        secrets: ['opaqueTokenValue'],
      },
      {
        input: 'sent Bearer a1b2c3d4e5f6g7h8i9 upstream',
        expected: 'sent Bearer [REDACTED:bearer] upstream',
        secrets: ['a1b2c3d4e5f6g7h8i9'],
      },
    ],
    negative: ['Bearer tokens expire after one hour', 'the bearer of bad news', 'Bearer'],
  },
  authorization: {
    positive: [
      {
        input: 'curl -H "Authorization: token abcdef123"',
        expected: 'curl -H "Authorization: token [REDACTED:authorization]"',
        secrets: ['abcdef123'],
      },
      {
        input: 'Authorization: Basic dXNlcjpwYXNz',
        expected: 'Authorization: Basic [REDACTED:authorization]',
        secrets: ['dXNlcjpwYXNz'],
      },
    ],
    negative: ['authorization failed for user alice', 'Authorization header missing'],
  },
  private_key: {
    positive: [
      {
        input: `before\n${PEM}\nafter`,
        expected: 'before\n[REDACTED:private_key]\nafter',
        secrets: ['MIIEowIBAAKCAQEA', 'lgOEePzNm0'],
      },
      {
        input: j('-----BEGIN ', 'OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACB'),
        expected: '[REDACTED:private_key]',
        secrets: ['b3BlbnNzaC1rZXktdjEAAAAA', 'QyNTUxOQAAACB'],
      },
      {
        input: j('{"pk": "-----BEGIN ', 'PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\\n"}'),
        expected: '{"pk": "[REDACTED:private_key]\\n"}',
        secrets: ['MIIEvQIBADANBg'],
      },
    ],
    negative: [
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      '-----BEGIN PUBLIC KEY-----',
      'private key rotation is weekly',
    ],
  },
  url_credentials: {
    positive: [
      {
        input: 'git clone https://alice:hunter2@git.example.com/r.git',
        expected: 'git clone https://[REDACTED:url_credentials]@git.example.com/r.git',
        secrets: ['alice:hunter2', 'hunter2'],
      },
      {
        input: 'DB postgres://u:p@ss@db:5432/x',
        expected: 'DB postgres://[REDACTED:url_credentials]@db:5432/x',
        secrets: ['u:p', 'p@ss'],
      },
      {
        input: 'redis://:s3cret@cache:6379',
        expected: 'redis://[REDACTED:url_credentials]@cache:6379',
        secrets: ['s3cret'],
      },
      {
        input: 'https://bob:ab#c/d@e@minio.example.com:9000/b',
        expected: 'https://[REDACTED:url_credentials]@minio.example.com:9000/b',
        secrets: ['ab#c/d@e'],
      },
    ],
    negative: [
      'ssh://git@github.com/org/repo.git',
      'https://wandb.ai/team/project/runs/abc123',
      'https://example.com/a:b@c',
      'mailto:ops@example.com',
      'https://registry.example.com:8443/v2/img@sha256:abcd',
    ],
  },
  netrc: {
    positive: [
      {
        input: 'machine git.example.com login bob password pa55word',
        expected: 'machine git.example.com login bob password [REDACTED:netrc]',
        secrets: ['pa55word'],
      },
    ],
    negative: ['the machine login prompt asked for a password'],
  },
  flag_value: {
    positive: [
      {
        input: 'python train.py --hf-token abc123 --lr 3e-4',
        expected: 'python train.py --hf-token [REDACTED:flag_value] --lr 3e-4',
        secrets: ['abc123'],
      },
      {
        input: 'run --api-key=xyz789 --db_password "two words"',
        expected: 'run --api-key=[REDACTED:flag_value] --db_password "[REDACTED:flag_value]"',
        secrets: ['xyz789', 'two words'],
      },
      {
        input: 'sync --secret s3 --token=t0k',
        expected: 'sync --secret [REDACTED:flag_value] --token=[REDACTED:flag_value]',
        secrets: ['s3 ', 't0k'],
      },
      {
        input: 'up --wandb-key k1 --key k2 --db-pass k3 --sshpass k4',
        expected:
          'up --wandb-key [REDACTED:flag_value] --key [REDACTED:flag_value] --db-pass [REDACTED:flag_value] --sshpass [REDACTED:flag_value]',
        secrets: ['k1', 'k2', 'k3', 'k4'],
      },
      {
        input: 'push --ingest-token=abc --db_password pw9x',
        expected: 'push --ingest-token=[REDACTED:flag_value] --db_password [REDACTED:flag_value]',
        secrets: ['abc', 'pw9x'],
      },
    ],
    negative: [
      'train.py --wandb-token-file ~/.wandb_token',
      'tok --pad-token "[PAD]" --eos-token </s> --max-token 512',
      'run --token $HF_TOKEN',
      'train --sort-key loss --label-key text --num-passes 3 --bypass-cache --passes 2',
    ],
  },
  env_assignment: {
    positive: [
      {
        input: 'FOO_TOKEN=abc123 ./run.sh',
        expected: 'FOO_TOKEN=[REDACTED:env_assignment] ./run.sh',
        secrets: ['abc123'],
      },
      { input: 'export X_TOKEN="v a l"', expected: 'export X_TOKEN="[REDACTED:env_assignment]"', secrets: ['v a l'] },
      {
        input: "DB_PASSWORD='pw'; MY_KEY=k1 SECRET=s",
        expected:
          "DB_PASSWORD='[REDACTED:env_assignment]'; MY_KEY=[REDACTED:env_assignment] SECRET=[REDACTED:env_assignment]",
        secrets: ["'pw'", 'k1', '=s'],
      },
      { input: 'PASSWORD=hunter2', expected: 'PASSWORD=[REDACTED:env_assignment]', secrets: ['hunter2'] },
      {
        input: '{"api_key": "k\\"ey", "lr": 0.1}',
        expected: '{"api_key": "[REDACTED:env_assignment]", "lr": 0.1}',
        secrets: ['k\\"ey'],
      },
      {
        input: 'auth:\n  token: abc\n  client_secret: def\n',
        expected: 'auth:\n  token: [REDACTED:env_assignment]\n  client_secret: [REDACTED:env_assignment]\n',
        secrets: ['abc', 'def'],
      },
      {
        input: 'cfg.wandb.api_key = "zz"',
        expected: 'cfg.wandb.api_key = "[REDACTED:env_assignment]"',
        secrets: ['zz'],
      },
      {
        input: "{'accessToken': 'q1', 'apiKey': 'q2'}",
        expected: "{'accessToken': '[REDACTED:env_assignment]', 'apiKey': '[REDACTED:env_assignment]'}",
        secrets: ['q1', 'q2'],
      },
      {
        input: 'GET /v1?access_token=abc&page=2',
        expected: 'GET /v1?access_token=[REDACTED:env_assignment]&page=2',
        secrets: ['abc'],
      },
    ],
    negative: [
      'HF_TOKEN=$HF_TOKEN WANDB_API_KEY=${WANDB_API_KEY} python x.py',
      'WANDB_API_KEY=<set> HF_TOKEN=<set>',
      'pad_token: "<pad>"\neos_token: </s>\nmax_tokens: 512\nimage_key: rgb\nsort_key=loss',
      'tokenizer: gpt2\ntokens_per_sec=12345',
      'GITHUB_TOKEN_FILE=/run/secrets/gh',
      'token:\n  next: line',
      'PWD=/home/alice OLDPWD=/tmp',
    ],
  },
};

describe('default rules, kind by kind', () => {
  it('has a positive case for every default kind (here or in the corpus) and a negative for each kind here', () => {
    const kinds = new Set(DEFAULT_RULES.map((r) => r.kind));
    const covered = new Set([...Object.keys(TABLE), ...makeCorpus().map((c) => c.kind)]);
    expect([...kinds].filter((k) => !covered.has(k))).toEqual([]);
    expect(Object.keys(TABLE).filter((k) => !kinds.has(k))).toEqual([]);
    for (const [kind, cases] of Object.entries(TABLE)) {
      expect(cases.positive.length, kind).toBeGreaterThan(0);
      expect(cases.negative.length, kind).toBeGreaterThan(0);
    }
  });

  for (const [kind, cases] of Object.entries(TABLE)) {
    describe(kind, () => {
      for (const c of cases.positive) {
        it(`redacts ${JSON.stringify(c.input.slice(0, 50))}`, () => {
          const report = scrubWithReport(c.input);
          expect(report.text).toBe(c.expected);
          for (const secret of c.secrets) expect(report.text).not.toContain(secret);
          expect(report.findings.map((f) => f.kind)).toContain(kind);
          expect(scrub(report.text)).toBe(report.text);
        });
      }
      for (const input of cases.negative) {
        it(`leaves ${JSON.stringify(input.slice(0, 50))} alone`, () => {
          const report = scrubWithReport(input);
          expect(report.text).toBe(input);
          expect(report.findings).toEqual([]);
        });
      }
    });
  }
});

describe('ordinary run-log text', () => {
  const RUN_LOG = [
    '---',
    'schema: 1',
    'id: arx5_multitask/2026-03-22_train',
    'state: running',
    '---',
    '# 2026-03-22 train',
    '',
    '## Job',
    '- Execution id: slurm:4812345 (array 4812345_7)',
    '- Submitted: 2026-03-22T14:05:09Z (Sun 22 Mar 2026, 14:05 UTC)',
    `- Git SHA: ${GIT_SHA} (short ${GIT_SHA.slice(0, 7)}), dirty: no`,
    '- Command: `WANDB_API_KEY=<set> HF_TOKEN=<set> python -m train --config configs/arx5.yaml --lr 3e-4 --max-steps 20000`',
    '- Config snapshot: /scratch/alice/runs/arx5/config.resolved.yaml sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    '- Node: gpu-a100-017, partition gpu, 4x A100 80GB, --gres=gpu:4 --mem=256G --time=2-00:00:00',
    '- initialize_from: /scratch/alice/ckpt/step_012000 (step 12000)',
    '',
    '## Status',
    '- 2026-03-22 15:00 — running, step 2400, train_loss 0.085',
    'step=100 loss=0.5 lr=3.0e-04 grad_norm=1.23 tokens/s=51234.7 mem=71.2GiB',
    'epoch 3/10 | it 1500/5000 | loss 1.234e-01 | eta 01:23:45',
    '',
    '## W&B',
    '- https://wandb.ai/team/project/runs/abc123',
    '- local dir: wandb/offline-run-20260322_140509-abc123xy',
    '',
    '## Results',
    '| run | val_loss | steps |',
    '|-----|---------:|------:|',
    '| 2026-03-22_train | 0.0712 | 20000 |',
    'Checkpoint: s3://bucket/arx5/step_020000/ (metadata.json present)',
    'ssh://git@github.com/org/repo.git user@example.com',
    'pad_token: "<pad>"; image_key: rgb; sort_key: val_loss; tokenizer: gpt2',
    'sk-learn style run name: sk-resnet50-imagenet-baseline-lowlr',
    'nan/inf check: 0 nan, 0 inf; 12345678901234567890; -1.5e+10; 0x7fffffff',
    '',
  ].join('\n');

  it('survives byte-identical', () => {
    const report = scrubWithReport(RUN_LOG);
    expect(report.findings).toEqual([]);
    expect(report.text).toBe(RUN_LOG);
  });
});

describe('composition', () => {
  it('lets specific kinds win over generic ones without leaking or double-wrapping', () => {
    const out = scrub(`GITHUB_TOKEN=${GH_CLASSIC}\nAuthorization: Bearer ${GH_CLASSIC}\n--token ${GH_CLASSIC}`);
    expect(out).toBe(
      'GITHUB_TOKEN=[REDACTED:github]\nAuthorization: Bearer [REDACTED:github]\n--token [REDACTED:github]',
    );
  });

  it('redacts credentials in a URL whose password is itself a known token as one unit', () => {
    const out = scrub(`https://x-access-token:${GH_CLASSIC}@github.com/o/r.git`);
    expect(out).toBe('https://[REDACTED:url_credentials]@github.com/o/r.git');
  });

  it('is idempotent on a document mixing every kind, and leaks nothing from it', () => {
    const positives = Object.values(TABLE).flatMap((t) => t.positive);
    const all = [...positives.map((c) => c.input), ...Object.values(TABLE).flatMap((t) => t.negative)].join('\n');
    const once = scrub(all);
    expect(scrub(once)).toBe(once);
    expect(once).not.toMatch(/\[REDACTED:[^\]]*\[/);
    const scrubbedPositives = scrub(positives.map((c) => c.input).join('\n'));
    for (const secret of positives.flatMap((c) => c.secrets)) expect(scrubbedPositives).not.toContain(secret);
  });

  it('reports kinds and counts, never values', () => {
    const report = scrubWithReport(`a=${GH_CLASSIC} b=${GH_CLASSIC} ${AWS_ID} FOO_TOKEN=zzz123`);
    expect(report.findings).toEqual([
      { kind: 'github', count: 2 },
      { kind: 'aws', count: 1 },
      { kind: 'env_assignment', count: 1 },
    ]);
    const serialized = JSON.stringify(report.findings);
    for (const secret of [GH_CLASSIC, AWS_ID, 'zzz123']) expect(serialized).not.toContain(secret);
  });
});

describe('extra rules', () => {
  it('applies project rules before the defaults and names their kind', () => {
    const extra = compileRules([{ kind: 'acme_token', pattern: 'acme_[a-z0-9]{12}' }]);
    expect(scrub('x acme_abcdef123456 y', extra)).toBe('x [REDACTED:acme_token] y');
    expect(scrub('x acme_abcdef123456 y')).toBe('x acme_abcdef123456 y');
  });

  it('redacts only the named capture group', () => {
    const extra = compileRules([{ kind: 'cluster_pin', pattern: 'pin=(\\d{6})', group: 1 }]);
    expect(scrub('login pin=123456 ok', extra)).toBe('login pin=[REDACTED:cluster_pin] ok');
  });

  it('never splits or nests an existing placeholder, whatever the rule matches', () => {
    const extra = compileRules([{ kind: 'greedy', pattern: 'github\\]|REDACTED' }]);
    const text = 'GITHUB_TOKEN=[REDACTED:github]';
    expect(scrub(text, extra)).toBe(text);
  });

  it('passes RegExp rules through, honouring their flags', () => {
    expect(scrub('Ticket ABC-secret-1', [{ kind: 'ticket', pattern: /abc-secret-\d/i }])).toBe(
      'Ticket [REDACTED:ticket]',
    );
  });
});

describe('built-in rules', () => {
  it("each names a capture group its pattern has (the scrubber checks only a project's own rules)", () => {
    for (const rule of DEFAULT_RULES) {
      const groups = (new RegExp(`${rule.pattern.source}|`).exec('') as RegExpExecArray).length - 1;
      expect(rule.group ?? 0, rule.kind).toBeLessThanOrEqual(groups);
      expect(Number.isInteger(rule.group ?? 0) && (rule.group ?? 0) >= 0, rule.kind).toBe(true);
    }
  });
});

describe('compileRules errors', () => {
  const expectBadRule = (fn: () => unknown, messagePart: RegExp) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(RunlogError);
      const e = err as RunlogError;
      expect(e.code).toBe('BAD_SCRUB_RULE');
      expect(e.kind).toBe('usage');
      expect(e.exitCode).toBe(2);
      expect(e.message).toMatch(messagePart);
      expect(e.hint.length).toBeGreaterThan(10);
      return;
    }
    throw new Error('expected BAD_SCRUB_RULE');
  };

  it('rejects an invalid regular expression, naming the rule', () => {
    expectBadRule(
      () =>
        compileRules([
          { kind: 'ok', pattern: 'fine' },
          { kind: 'broken', pattern: 'a(b' },
        ]),
      /rule 2 \("broken"\).*not a valid regular expression/,
    );
  });
  it('rejects unknown flags', () => {
    expectBadRule(() => compileRules([{ kind: 'x', pattern: 'abc', flags: 'gq' }]), /flags "gq"/);
  });
  it('rejects a pattern that matches the empty string', () => {
    expectBadRule(() => compileRules([{ kind: 'x', pattern: 'a*' }]), /empty string/);
  });
  it('rejects a kind that is not lower_snake', () => {
    expectBadRule(() => compileRules([{ kind: 'Bad Kind]', pattern: 'abc' }]), /not a lower_snake name/);
  });
  it('rejects a group the pattern does not have', () => {
    expectBadRule(() => compileRules([{ kind: 'x', pattern: 'a(b)c', group: 2 }]), /capture group 2/);
  });
  it('rejects the same mistakes in RegExp rules passed directly', () => {
    expectBadRule(() => scrub('abc', [{ kind: 'x', pattern: /abc/, group: 1 }]), /capture group 1/);
  });
});

describe('scrubArgv', () => {
  it('redacts the separate value of a secret flag, whatever its shape', () => {
    expect(
      scrubArgv([
        'python',
        'train.py',
        '--token',
        'plainword',
        '--api-key',
        'k',
        '--password',
        'p w',
        '--secret',
        's',
        '--lr',
        '3e-4',
      ]),
    ).toEqual([
      'python',
      'train.py',
      '--token',
      '[REDACTED:flag_value]',
      '--api-key',
      '[REDACTED:flag_value]',
      '--password',
      '[REDACTED:flag_value]',
      '--secret',
      '[REDACTED:flag_value]',
      '--lr',
      '3e-4',
    ]);
  });

  it("redacts sshpass's -p word and the MySQL tools' attached -p<pw>, not -p elsewhere", () => {
    expect(scrubArgv(['sshpass', '-p', 'pw 1', 'ssh', 'h', 'ls', '-p'])).toEqual([
      'sshpass',
      '-p',
      '[REDACTED:password_flag]',
      'ssh',
      'h',
      'ls',
      '-p',
    ]);
    expect(scrubArgv(['/usr/bin/mysql', '-u', 'root', '-pHunter22', 'runs'])).toEqual([
      '/usr/bin/mysql',
      '-u',
      'root',
      '-p[REDACTED:password_flag]',
      'runs',
    ]);
    expect(scrubArgv(['mysql', '-p', 'runs'])).toEqual(['mysql', '-p', 'runs']);
    expect(scrubArgv(['python', 'x.py', '-p', 'p1', '-pfast'])).toEqual(['python', 'x.py', '-p', 'p1', '-pfast']);
  });

  it('redacts --flag=value forms and scrubs every element', () => {
    expect(scrubArgv(['--token=xyz', '--hf-token=abc', 'env', 'FOO_TOKEN=v', `--note=${GH_CLASSIC}`])).toEqual([
      '--token=[REDACTED:flag_value]',
      '--hf-token=[REDACTED:flag_value]',
      'env',
      'FOO_TOKEN=[REDACTED:env_assignment]',
      '--note=[REDACTED:github]',
    ]);
  });

  it('leaves look-alike flags, switches and ordinary arguments alone', () => {
    const argv = [
      '--wandb-token-file',
      '/home/a/.wandb_token',
      '--pad-token',
      '[PAD]',
      '--use-token',
      '--epochs',
      '5',
      GIT_SHA,
      '2026-03-22T14:05:09Z',
    ];
    expect(scrubArgv(argv)).toEqual(argv);
  });

  it('is idempotent', () => {
    const once = scrubArgv(['--token', 'abc', '--api-key=def']);
    expect(scrubArgv(once)).toEqual(once);
  });
});

describe('scrubEnv', () => {
  it('keeps only allow-listed names, masks secret-looking ones, scrubs the rest', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/alice',
      HF_TOKEN: 'hf-value',
      WANDB_API_KEY: 'k',
      CLIENT_SECRET: 's',
      DB_PASSWORD_FILE: '/run/pw',
      SLURM_JOB_ID: '4812345',
      SLURM_NODELIST: 'gpu-a100-017',
      HTTPS_PROXY: 'http://u:pw@proxy:3128',
      UNSET: undefined,
    };
    expect(
      scrubEnv(env, [
        'PATH',
        'HF_TOKEN',
        'WANDB_API_KEY',
        'CLIENT_SECRET',
        'DB_PASSWORD_FILE',
        'SLURM_*',
        'HTTPS_PROXY',
        'UNSET',
      ]),
    ).toEqual({
      CLIENT_SECRET: '<set>',
      DB_PASSWORD_FILE: '<set>',
      HF_TOKEN: '<set>',
      HTTPS_PROXY: 'http://[REDACTED:url_credentials]@proxy:3128',
      PATH: '/usr/bin',
      SLURM_JOB_ID: '4812345',
      SLURM_NODELIST: 'gpu-a100-017',
      WANDB_API_KEY: '<set>',
    });
  });

  it('returns nothing when nothing is allowed', () => {
    expect(scrubEnv({ PATH: '/usr/bin', HF_TOKEN: 'x' }, [])).toEqual({});
  });
});

describe('speed', () => {
  const elapsed = (fn: () => void) => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  };

  it('scrubs a 1 MB log tail with a few secrets in well under a second', () => {
    const lines = Array.from(
      { length: 8500 },
      (_, i) =>
        `2026-03-22T14:${String(i % 60).padStart(2, '0')}:00Z step=${i} loss=0.${i % 97} lr=3e-4 tokens/s=51234 /scratch/alice/run/${GIT_SHA}`,
    );
    lines.splice(500, 0, `HF_TOKEN=${HF}`, `Authorization: Bearer ${JWT}`);
    const text = lines.join('\n');
    expect(text.length).toBeGreaterThan(1_000_000);
    scrub(text);
    // Warmed up, this takes about 40 ms here; the bound only catches a backtracking regression, which takes seconds.
    const ms = elapsed(() => {
      const out = scrub(text);
      expect(out).not.toContain(HF);
    });
    expect(ms).toBeLessThan(1000);
  });

  const PATHOLOGICAL: Record<string, string> = {
    'plain letters': rep('a', 100_000),
    'upper letters': rep('A', 100_000),
    underscores: rep('a_', 50_000),
    dots: rep('a.', 50_000),
    dashes: `--${rep('a-', 50_000)}`,
    'url without @': `https://${rep('a:', 50_000)}`,
    'many schemes': rep('h://a:', 20_000),
    'pem without end': rep('-----BEGIN RSA PRIVATE KEY-----\nAAAA\n', 5_000),
    'open quote': `"token": "${rep('\\', 100_000)}`,
    'sk- lowercase': `sk-${rep('a', 100_000)}`,
    'bearer no digit': `Bearer ${rep('a', 100_000)}`,
    'wandb login lines': rep('wandb login ', 10_000),
    'netrc fragments': rep('machine x login y ', 10_000),
  };
  for (const [name, input] of Object.entries(PATHOLOGICAL)) {
    it(`stays linear on ${name}`, () => {
      let out = '';
      const ms = elapsed(() => {
        out = scrub(input);
      });
      expect(out.length).toBeGreaterThan(0);
      expect(ms).toBeLessThan(2000);
    });
  }
});

describe('scrubArgv across elements', () => {
  it('redacts a secret that only its neighbours make one, as a shell would have split it', () => {
    const hex = '0123456789abcdef0123456789abcdef01234567';
    expect(scrubArgv(['wandb', 'login', '--relogin', hex])).toEqual([
      'wandb',
      'login',
      '--relogin',
      '[REDACTED:wandb]',
    ]);
    expect(scrubArgv(['curl', '-H', 'Authorization:', 'Bearer', 'abc.def-ghi', 'https://x'])).toEqual([
      'curl',
      '-H',
      'Authorization:',
      'Bearer',
      '[REDACTED:bearer]',
      'https://x',
    ]);
    expect(scrubArgv(['aws_secret_access_key', '=', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'])).toEqual([
      'aws_secret_access_key',
      '=',
      '[REDACTED:aws]',
    ]);
    expect(scrubArgv(['machine', 'h', 'login', 'bob', 'password', 'pw9x'])).toEqual([
      'machine',
      'h',
      'login',
      'bob',
      'password',
      '[REDACTED:netrc]',
    ]);
  });

  it('leaves ordinary commands alone', () => {
    const argv = ['python', '-m', 'train', '--config', 'cfg.yaml', '--lr', '3e-4', 'key', 'value', 'login', 'now'];
    expect(scrubArgv(argv)).toEqual(argv);
  });
});

describe('user rules that could hang a write', () => {
  const expectRefused = (pattern: string) => {
    const err = (() => {
      try {
        compileRules([{ kind: 'mine', pattern }]);
        return null;
      } catch (e) {
        return e as RunlogError;
      }
    })();
    expect(err, pattern).toBeInstanceOf(RunlogError);
    expect(err!.code).toBe('BAD_SCRUB_RULE');
    expect(err!.exitCode).toBe(2);
    expect(err!.message).toMatch(/exponential time/);
  };

  it.each([
    '(a+)+$',
    '(a|ab)*c',
    '(\\w+\\s?)*$',
    '([a-z]+)*!',
    '(?:x+x+)+y',
    '(a{1,100})+',
    '((ab)*c)+',
    '(?<n>a|b)+',
    '(a)\\1+(a+)+',
  ])('refuses %s at load', expectRefused);

  it.each([
    'acme_[a-z0-9]{12}',
    'pin=(\\d{6})',
    '(?<k>tok)_[A-Z]{20,}',
    '(?:ab)+',
    'x(a|b)y',
    '[(+*)]+',
    '\\(a+\\)+',
    '(a{2,8}b)+',
  ])('accepts %s', (pattern) => {
    expect(() => compileRules([{ kind: 'mine', pattern }])).not.toThrow();
  });
});
