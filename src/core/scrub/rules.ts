/**
 * The default secret shapes, as data. Order matters: the scrubber applies
 * rules top to bottom, so specific token shapes come before the generic
 * "name = value" rules and claim the kind of what they find.
 *
 * Every pattern must stay linear on hostile input: variable-length parts
 * start behind a word-start lookbehind (one candidate start per word) and
 * parts that may backtrack are bounded. No case-insensitive flags: the
 * env-style rules rely on case to tell `$HF_TOKEN` references and
 * `image_key: rgb` config entries from secrets.
 */

export interface ScrubRule {
  kind: string;
  pattern: RegExp;
  /** Which capture group is the secret; the whole match when absent. */
  group?: number;
}

const rx = (source: string, flags = ''): RegExp => new RegExp(source, flags);

/** Start of a word: keeps each rule to one candidate start per word. */
const WORD_START = String.raw`(?<![A-Za-z0-9_])`;
const TOKEN_START = String.raw`(?<![A-Za-z0-9_-])`;

/** Characters of an unquoted value: stops at whitespace, quotes and shell/JSON punctuation. */
const VALUE_CHAR = String.raw`[^\s"'\`,;&|)}\]]`;
/** `$HF_TOKEN` / `${HF_TOKEN}` is a reference to a secret, not one. */
const SHELL_REF = String.raw`\$\{?[A-Z_][A-Z0-9_]*\}?(?!${VALUE_CHAR})`;
/**
 * One capture group for a quoted (double or single) or bare value; the
 * opening quote is matched before it, so the quotes survive redaction.
 */
const value = (bareGuard = '') =>
  String.raw`((?<=")(?:[^"\\\n]|\\.){1,1024}|(?<=')[^'\n]{1,1024}|(?<!["'])${bareGuard}(?!${SHELL_REF})${VALUE_CHAR}{1,1024})`;
/**
 * `=`, `:`, `": "` between a name and its value. The value may start on the
 * next line (`KEY=\n<value>`, YAML's `password:\n  value`), unless that line
 * is a list item, a heading, a quote or another `name:`/`name=`.
 */
const ASSIGN_BEFORE = String.raw`["']?[ \t]*[:=]`;
const ASSIGN_AFTER = String.raw`[ \t]*(?:\r?\n[ \t]*(?![-*#>|]|[A-Za-z_][\w.-]{0,64}[ \t]*[:=]))?["']?`;
const ASSIGN = `${ASSIGN_BEFORE}${ASSIGN_AFTER}`;
/**
 * The same, with the name checked behind the `:`/`=`: a pattern that starts
 * with a literal lets the engine skip to candidates instead of trying every
 * word (3-10x faster on a long log, where these generic rules dominate).
 */
const assignedTo = (name: string) => String.raw`[:=](?<=${name}${ASSIGN_BEFORE})${ASSIGN_AFTER}`;

/** Tokenizer entries such as `pad_token: "<pad>"` are configuration, not secrets. */
const NOT_SPECIAL_TOKEN = String.raw`(?<!(?:pad|eos|bos|unk|mask|cls|sep|max|min|num|special|PAD|EOS|BOS|UNK|MASK|CLS|SEP|MAX|MIN|NUM)[-_.])`;

/** Qualifiers that make a `--*-key` flag a credential; `--sort-key`, `--label-key` are dataset settings. */
const KEY_QUALIFIER = String.raw`(?:wandb|api|access|secret|private|auth|license|licence|master|encryption|signing|account|storage|service|client|app|hf|openai|anthropic|aws|gcp|azure|db|ssh|deploy|session|ingest|write|read|admin)`;

/**
 * Flag names whose value is a secret: `--token`, `--hf-token`, `--api-key`,
 * `--db_password`, `--db-pass`, `--sshpass`, a bare `--key` and `--wandb-key`.
 * "pass" only as a name's last part: `--passes 3`, `--bypass-cache` stay.
 */
export const SECRET_FLAG_NAME = String.raw`--?(?:(?:[A-Za-z0-9]+[-_])*(?:${NOT_SPECIAL_TOKEN}token|api[-_]?key|apikey|access[-_]?key|secret[-_]?key|auth[-_]?key|private[-_]?key|secret|password|passwd|passphrase|pwd|credentials?|[A-Za-z0-9]*(?<!by|com|sur)pass)|(?:${KEY_QUALIFIER}[-_])?key)`;

const PEM_LABEL = String.raw`[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----`;

/** A fixed-prefix token: the prefix after a word start, then its body; fixed-length bodies pass `end` so longer words are left alone. */
const token = (kind: string, prefix: string, body: string, end = ''): ScrubRule => ({
  kind,
  pattern: rx(String.raw`${TOKEN_START}${prefix}${body}${end}`),
});

export const DEFAULT_RULES: readonly ScrubRule[] = [
  // A whole PEM block; a block cut off by a log tail (no END line) is redacted up to where the base64 stops.
  {
    kind: 'private_key',
    pattern: rx(String.raw`-----BEGIN${PEM_LABEL}(?:[\s\S]{0,16384}?-----END${PEM_LABEL}|[A-Za-z0-9+/=\s:,.\\-]*)`),
  },

  { kind: 'github', pattern: rx(String.raw`(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{36,}`) },
  { kind: 'github', pattern: rx(String.raw`(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{22,}`) },
  { kind: 'gitlab', pattern: rx(String.raw`${TOKEN_START}glpat-[A-Za-z0-9_-]{20,}`) },

  { kind: 'aws', pattern: rx(String.raw`(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])`) },
  {
    kind: 'aws',
    pattern: rx(
      String.raw`${WORD_START}(?:aws_|AWS_)?(?:secret_access_key|SECRET_ACCESS_KEY)${ASSIGN}([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])`,
    ),
    group: 1,
  },

  // W&B keys are 40 hex, like git SHAs: only redact them where W&B context says so.
  { kind: 'wandb', pattern: rx(String.raw`${WORD_START}wandb_v1_[A-Za-z0-9_]{20,}`) },
  { kind: 'wandb', pattern: rx(String.raw`${TOKEN_START}local-[0-9a-f]{40}(?![0-9a-f])`) },
  { kind: 'wandb', pattern: rx(String.raw`${WORD_START}WANDB_API_KEY${ASSIGN}${value()}`), group: 1 },
  {
    kind: 'wandb',
    pattern: rx(String.raw`${WORD_START}wandb[ \t]+login\b[^\n]{0,200}?(?<![A-Za-z0-9])([0-9a-f]{40})(?![A-Za-z0-9])`),
    group: 1,
  },
  {
    kind: 'wandb',
    pattern: rx(String.raw`${WORD_START}wandb\.login\([^)\n]{0,200}?\bkey[ \t]*=[ \t]*["']([^"'\n]{1,1024})`),
    group: 1,
  },
  {
    kind: 'wandb',
    pattern: rx(
      String.raw`${WORD_START}machine[ \t]+api\.wandb\.ai\s+login[ \t]+\S{1,256}\s+password[ \t]+(\S{1,1024})`,
    ),
    group: 1,
  },

  { kind: 'huggingface', pattern: rx(String.raw`${WORD_START}hf_[A-Za-z0-9]{30,}`) },

  { kind: 'slack', pattern: rx(String.raw`(?<![A-Za-z0-9])(?:xox[abprs]|xapp)-[A-Za-z0-9-]{10,}`) },
  {
    kind: 'slack',
    pattern: rx(String.raw`hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9_/-]{8,})`),
    group: 1,
  },

  { kind: 'anthropic', pattern: rx(String.raw`${TOKEN_START}sk-ant-(?:api|admin|oat|sid)\d{2}-[A-Za-z0-9_-]{20,}`) },
  // Stripe: secret, restricted and webhook-signing keys (`pk_` keys are public by design).
  token('stripe', String.raw`(?:sk|rk)_(?:live|test)_`, '[A-Za-z0-9]{10,}'),
  token('stripe', 'whsec_', '[A-Za-z0-9+/=]{24,}'),
  // At least one capital: real keys always have one, run names like `sk-resnet50-imagenet-baseline` do not.
  { kind: 'openai', pattern: rx(String.raw`${TOKEN_START}sk-(?=[A-Za-z0-9_-]{0,256}[A-Z])[A-Za-z0-9_-]{20,}`) },

  { kind: 'npm', pattern: rx(String.raw`${WORD_START}npm_[A-Za-z0-9]{36,}`) },
  { kind: 'pypi', pattern: rx(String.raw`${TOKEN_START}pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}`) },
  { kind: 'google_api', pattern: rx(String.raw`${TOKEN_START}AIza[0-9A-Za-z_-]{35,}`) },
  { kind: 'jwt', pattern: rx(String.raw`${TOKEN_START}eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*`) },

  {
    kind: 'bearer',
    pattern: rx(
      String.raw`${TOKEN_START}(?:[Pp]roxy-)?(?:Authorization|authorization|AUTHORIZATION)${ASSIGN}(?:Bearer|bearer|BEARER)[ \t]+([^\s"']{1,4096})`,
    ),
    group: 1,
  },
  // Outside a header, "Bearer" is prose unless a long token with a digit follows.
  {
    kind: 'bearer',
    pattern: rx(
      String.raw`${WORD_START}(?:Bearer|bearer|BEARER)[ \t]+(?=[A-Za-z0-9._~+/-]{0,4096}[0-9])([A-Za-z0-9._~+/-]{16,}=*)`,
    ),
    group: 1,
  },
  {
    kind: 'authorization',
    pattern: rx(
      String.raw`${TOKEN_START}(?:[Pp]roxy-)?(?:Authorization|authorization|AUTHORIZATION)${ASSIGN}(?:(?:Basic|basic|Token|token|Digest|Bot|ApiKey)[ \t]+)?(?!(?:Bearer|bearer|BEARER)\b)([^\s"']{1,4096})`,
    ),
    group: 1,
  },

  // Everything between `://` and the last `@` of the authority, when it holds a `user:password` pair.
  // People paste passwords with `#`, `/` or `@` unescaped, so the password runs to the first `@` that a
  // host name follows; a `host:port/` in front of a later `@` (`https://h:8080/x@y`) is a port, not a password.
  {
    kind: 'url_credentials',
    pattern: rx(
      String.raw`://(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}://)([^\s/?#@:]{0,256}:(?!\d{1,5}(?:[/?#]|$))\S{0,512}?)@(?=(?:\[[0-9A-Fa-f:.]{2,64}\]|[A-Za-z0-9._~%-]{1,253})(?:[:/?#\s"'\`]|$))`,
    ),
    group: 1,
  },

  // Azure storage connection strings and service-bus keys; SAS URLs carry their signature in `sig=`.
  {
    kind: 'azure',
    pattern: rx(
      String.raw`${WORD_START}(?:AccountKey|SharedAccessKey|AccessKey)[ \t]*=[ \t]*([A-Za-z0-9+/]{20,}={0,2})`,
    ),
    group: 1,
  },
  { kind: 'azure', pattern: rx(String.raw`[?&;]sig=([A-Za-z0-9%+/=]{16,})`), group: 1 },
  {
    kind: 'discord',
    pattern: rx(String.raw`(?:discord|discordapp)\.com/api/webhooks/\d{5,30}/([A-Za-z0-9_-]{20,})`),
    group: 1,
  },
  // Literal first, the rest behind it (see assignedTo).
  {
    kind: 'telegram',
    pattern: rx(String.raw`:(?<=(?<![A-Za-z0-9_:])\d{8,10}:)(AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])`),
    group: 1,
  },
  token('docker', 'dckr_pat_', '[A-Za-z0-9_-]{20,}'),
  token('vault', String.raw`hv[sbr]\.`, '[A-Za-z0-9_-]{24,}'),
  token('gcp_oauth', 'GOCSPX-', '[A-Za-z0-9_-]{20,}'),
  token('sendgrid', String.raw`SG\.`, String.raw`[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}`),
  token('shopify', 'shp(?:at|ca|pa|ss)_', '[a-fA-F0-9]{32,64}'),
  token('linear', 'lin_api_', '[A-Za-z0-9_]{32,128}'),
  token('onepassword', 'ops_', 'eyJ[A-Za-z0-9+/=]{50,}'),
  token('twilio', 'SK', '[0-9a-f]{32}', '(?![A-Za-z0-9])'),
  token('mailgun', 'key-', '[0-9a-f]{32}', '(?![A-Za-z0-9])'),
  token('databricks', 'dapi', String.raw`[0-9a-f]{32}(?:-\d)?`),
  token('digitalocean', 'do[opr]_v1_', '[0-9a-f]{64}'),
  token('doppler', String.raw`dp\.(?:st|ct|sa|scim|audit|pt)\.`, '[A-Za-z0-9_-]{20,}'),
  token('postman', 'PMAK-', '[0-9a-f]{24}-[0-9a-f]{34}'),
  token('grafana', 'gl(?:sa|c)_', '[A-Za-z0-9+/_=]{32,}'),
  token('sentry', 'sntr[ysu]s_', '[A-Za-z0-9+/=_]{40,}'),
  token('newrelic', 'NR(?:AK|AA|II|JS)-', '[A-Z0-9]{27}', '(?![A-Za-z0-9])'),
  token('pulumi', 'pul-', '[0-9a-f]{40}', '(?![A-Za-z0-9])'),
  {
    kind: 'terraform',
    pattern: rx(String.raw`\.atlasv1\.(?<=(?<![A-Za-z0-9_])[A-Za-z0-9]{14}\.atlasv1\.)([A-Za-z0-9_=-]{60,})`),
    group: 1,
  },
  token('supabase', 'sbp_', '[0-9a-f]{40}', '(?![A-Za-z0-9])'),
  token('tailscale', 'tskey-(?:auth|api|client|scim|webhook)-', '[A-Za-z0-9]{6,}-[A-Za-z0-9]{16,}'),
  token('age', 'AGE-SECRET-KEY-1', '[0-9A-Z]{58}', '(?![A-Za-z0-9])'),
  token('replicate', 'r8_', '[A-Za-z0-9]{37}', '(?![A-Za-z0-9])'),
  token('groq', 'gsk_', '[A-Za-z0-9]{48,}'),
  { kind: 'kaggle', pattern: rx(String.raw`"key"[ \t]*:[ \t]*"([0-9a-f]{32})"`), group: 1 },
  { kind: 'npm', pattern: rx(String.raw`(?<![A-Za-z0-9])_auth(?:Token)?[ \t]*=[ \t]*(?!\$\{)([^\s"']{8,})`), group: 1 },

  // Passwords given as short flags: `sshpass -p <pw>`, `mysql -p<pw>` (attached: `-p <db>` prompts).
  {
    kind: 'password_flag',
    pattern: rx(
      String.raw`${WORD_START}sshpass(?:[ \t]+-[A-Za-z](?:[ \t]+[^-\s]\S{0,256})?){0,4}?[ \t]+-p[ \t]*["']?${value()}`,
    ),
    group: 1,
  },
  {
    kind: 'password_flag',
    pattern: rx(
      String.raw`${WORD_START}(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlimport|mysqlshow)\b[^\n|;&]{0,256}?[ \t]-p["']?${value()}`,
    ),
    group: 1,
  },

  {
    kind: 'netrc',
    pattern: rx(String.raw`${WORD_START}machine[ \t]+\S{1,256}\s+login[ \t]+\S{1,256}\s+password[ \t]+(\S{1,1024})`),
    group: 1,
  },

  {
    kind: 'flag_value',
    pattern: rx(String.raw`(?<![A-Za-z0-9_-])${SECRET_FLAG_NAME}(?:=|[ \t]+)["']?${value('(?!-)')}`),
    group: 1,
  },

  // SHOUTY_ENV names: any *_TOKEN, *_KEY, *_SECRET, *PASSWORD.
  {
    kind: 'env_assignment',
    pattern: rx(
      assignedTo(
        String.raw`${WORD_START}[A-Z0-9_]*(?:${NOT_SPECIAL_TOKEN}TOKEN|_KEY|APIKEY|SECRET|PASSWORD|PASSWD|PASSPHRASE|_PASS|_PWD)`,
      ) + value(),
    ),
    group: 1,
  },
  // snake/dotted config names: `api_key`, `hf_token`, `db.password`, `client_secret`.
  {
    kind: 'env_assignment',
    pattern: rx(
      assignedTo(
        String.raw`(?<![A-Za-z0-9_.-])(?:[a-z0-9]+[_.-])*(?:${NOT_SPECIAL_TOKEN}token|secret|password|passwd|passphrase|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key)`,
      ) + value(),
    ),
    group: 1,
  },
  // camelCase config names: `apiKey`, `accessToken`, `clientSecret`, `dbPassword`.
  {
    kind: 'env_assignment',
    pattern: rx(
      assignedTo(
        String.raw`${WORD_START}[a-z][A-Za-z0-9]*(?:(?<!pad|eos|bos|unk|mask|cls|sep|max|min|num)Token|Secret|Password|Passwd|(?<=[aA]pi|[sS]ecret|[aA]ccess|[pP]rivate)Key)`,
      ) + value(),
    ),
    group: 1,
  },
];
