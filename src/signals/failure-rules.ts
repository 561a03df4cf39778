/**
 * Failure rules are data: the first rule that matches decides the class, so
 * the order below is the precedence. Scheduler facts come first (they are
 * authoritative), then specific root causes, then symptoms that other
 * failures also produce (collective timeouts after one rank died, network
 * noise), then the generic Python traceback, then the bare exit status.
 */
import { type FailureClass, isRetryable } from './failure-class.js';

/**
 * Where a rule looks: `reason` is the executor's reason (Slurm state,
 * local phase); `tail` is each line of the output tail; `status` is the line
 * `exit code <n>, signal <SIG>` built from the exit status.
 */
export type RuleSource = 'reason' | 'tail' | 'status';

export interface FailureRule {
  id: string;
  class: FailureClass;
  retryable: boolean;
  source: RuleSource;
  pattern: RegExp;
  /** A matching line is skipped when it also matches this (benign look-alikes). */
  unless?: RegExp;
  /** Tail rules: some earlier line must match this (a traceback header). */
  after?: RegExp;
  /** The rule only fires for one of these exit codes or signals. */
  exit?: { codes?: number[]; signals?: string[] };
  description: string;
}

type RuleSpec = Omit<FailureRule, 'retryable'>;

const TRACEBACK = /Traceback \(most recent call last\)|^(?:\s*(?:\[rank\d+\]|\d+):)?\s*File "[^"]+", line \d+/;
const RANK_PREFIX = String.raw`^(?:\s*(?:\[rank\d+\]|\d+):)?\s*(?:[\w.]+\.)?`;
const CODE_EXCEPTIONS = [
  'TypeError',
  'ValueError',
  'AttributeError',
  'NameError',
  'KeyError',
  'IndexError',
  'SyntaxError',
  'IndentationError',
  'ImportError',
  'ModuleNotFoundError',
  'AssertionError',
  'RuntimeError',
  'ZeroDivisionError',
  'NotImplementedError',
  'UnboundLocalError',
  'RecursionError',
  'FileNotFoundError',
];

/**
 * A checkpoint-looking token in the last or second-to-last component of the
 * path that ends the line. The lookahead runs only where a token matched,
 * which keeps the match linear on long lines.
 */
const CHECKPOINT_PATH_AT_END = String.raw`(?:checkpoint|ckpt|metadata\.json|safetensors|\.pth?\b|\.distcp|state_dict|step[-_]?\d+)(?=[^'"\s/]*(?:\/[^'"\s/]+)?\/?['"]?\.?\s*$)`;

const SPECS: RuleSpec[] = [
  // The executor's own verdict.
  {
    id: 'reason-timeout',
    class: 'walltime',
    source: 'reason',
    pattern: /TIMEOUT|timed[_ ]out|time[_ ]limit|deadline/i,
    description: 'executor reports the wall-clock limit',
  },
  {
    id: 'reason-preempted',
    class: 'preemption',
    source: 'reason',
    pattern: /PREEMPT/i,
    description: 'executor reports preemption',
  },
  {
    id: 'reason-node-fail',
    class: 'node_failure',
    source: 'reason',
    pattern: /NODE_FAIL|node[_ ]fail|BOOT_FAIL/i,
    description: 'executor reports a node failure',
  },
  {
    id: 'reason-oom',
    class: 'oom_host',
    source: 'reason',
    pattern: /OUT_OF_MEMORY|\boom\b/i,
    description: 'executor reports host memory exhaustion (cgroup / kernel OOM)',
  },
  {
    id: 'reason-cancelled',
    class: 'cancelled',
    source: 'reason',
    pattern: /CANCELL?ED/i,
    description: 'executor reports a cancellation',
  },

  // Scheduler messages in the output.
  {
    id: 'slurm-time-limit',
    class: 'walltime',
    source: 'tail',
    pattern: /DUE TO TIME LIMIT/,
    description: 'Slurm killed the job at its time limit',
  },
  {
    id: 'slurm-preemption',
    class: 'preemption',
    source: 'tail',
    pattern: /DUE TO PREEMPTION/,
    description: 'Slurm preempted the job',
  },
  {
    id: 'slurm-node-failure',
    class: 'node_failure',
    source: 'tail',
    pattern: /DUE TO NODE FAIL(?:URE)?/,
    description: 'Slurm lost the node',
  },
  {
    id: 'host-oom-kill',
    class: 'oom_host',
    source: 'tail',
    pattern: /oom[-_ ]kill|OUT_OF_MEMORY|Out of memory: Kill(?:ed)? process/i,
    description: 'the kernel or cgroup OOM killer ended the job',
  },
  {
    id: 'slurm-cancelled',
    class: 'cancelled',
    source: 'tail',
    pattern: /\*\*\* (?:JOB|STEP) \S+ ON \S+ CANCELLED AT/,
    unless: /DUE TO/,
    description: 'someone cancelled the Slurm job',
  },
  {
    id: 'preempted-text',
    class: 'preemption',
    source: 'tail',
    pattern: /\bpreempted\b|preemption notice|spot instance (?:interruption|termination)/i,
    description: 'the platform announced a preemption',
  },

  // Specific root causes.
  {
    id: 'disk-full',
    class: 'disk_full',
    source: 'tail',
    pattern: /No space left on device|\bENOSPC\b|Disk quota exceeded|\bEDQUOT\b/,
    description: 'a filesystem or quota is full',
  },
  {
    id: 'gpu-oom',
    class: 'oom_gpu',
    source: 'tail',
    pattern:
      /CUDA out of memory|OutOfMemoryError: CUDA|torch\.cuda\.OutOfMemoryError|CUDA error: out of memory|CUBLAS_STATUS_ALLOC_FAILED|CUDNN_STATUS_ALLOC_FAILED|cudaErrorMemoryAllocation|HIP out of memory|RESOURCE_EXHAUSTED: Out of memory/,
    description: 'accelerator memory exhausted',
  },
  {
    id: 'host-memory-error',
    class: 'oom_host',
    source: 'tail',
    pattern:
      /\bMemoryError\b|std::bad_alloc|Cannot allocate memory|\bENOMEM\b|DataLoader worker \(pid\(?s?\)? [^)]*\) is killed by signal: Killed/,
    description: 'host memory exhausted inside the process',
  },
  {
    id: 'host-killed',
    class: 'oom_host',
    source: 'tail',
    pattern: /\bKilled\b/,
    exit: { codes: [137], signals: ['SIGKILL'] },
    description: 'SIGKILL with "Killed": the usual signature of the kernel OOM killer',
  },
  {
    id: 'numerical',
    class: 'numerical',
    source: 'tail',
    pattern:
      /\bloss\b['"]?\s*(?:is|=|:|became|went to)\s*['"]?[-+]?(?:nan|inf(?:inity)?)\b|\bgrad(?:ient)?[_ ]norm\b['"]?\s*(?:is|=|:)\s*['"]?[-+]?(?:nan|inf(?:inity)?)\b|FloatingPointError|NaN or Inf found|non-finite (?:loss|gradients?)|\b(?:nan|inf) (?:loss|gradients?) detected|detected (?:nan|inf)\b/i,
    description: 'loss or gradients became NaN/Inf',
  },
  {
    id: 'checkpoint-load',
    class: 'checkpoint_error',
    source: 'tail',
    pattern:
      /Error\(s\) in loading state_dict|size mismatch for|Missing key\(s\) in state_dict|Unexpected key\(s\) in state_dict|PytorchStreamReader failed|failed finding central directory|unexpected EOF, expected \d+ more bytes|(?:checkpoint|ckpt)[^\n]*unexpected EOF|unexpected EOF[^\n]*(?:checkpoint|ckpt|state_dict|torch\.load)|(?:error|failed)[^\n]{0,20}(?:loading|restoring|load|restore) (?:the )?checkpoint/i,
    description: 'a checkpoint could not be loaded (corrupt, truncated or shape-incompatible)',
  },
  {
    id: 'checkpoint-missing',
    class: 'checkpoint_error',
    source: 'tail',
    pattern: new RegExp(
      String.raw`(?:FileNotFoundError|No such file or directory)\b[^\n]*?${CHECKPOINT_PATH_AT_END}|checkpoint[^\n]*\b(?:not found|does not exist|no such file)`,
      'i',
    ),
    description: 'the checkpoint to resume from is missing',
  },
  {
    id: 'auth',
    class: 'auth',
    source: 'tail',
    pattern:
      /\b401\b[^\n]*(?:Unauthorized|Client Error)|\bUnauthorized\b[^\n]*\b401\b|\b403\b[^\n]*(?:Forbidden|Client Error)|Invalid API key|wandb: ERROR[^\n]*\b40[13]\b|authentication failed|InvalidAccessKeyId|ExpiredToken|SignatureDoesNotMatch|\bAccessDenied\b|GatedRepoError|Permission denied \(publickey/i,
    description: 'credentials were missing, wrong or expired',
  },
  {
    id: 'data-missing-file',
    class: 'data_error',
    source: 'tail',
    pattern:
      /(?:FileNotFoundError|No such file or directory)[^\n]*(?:data|corpus|shard|tokeni[sz]|\.jsonl\b|\.parquet|\.arrow|\.tfrecord|\.csv\b|\.tsv\b|\.npy\b|\.bin\b|\.idx\b|\.tar\b|\.mds\b|\.zst\b)/i,
    description: 'an input data file is missing',
  },
  {
    id: 'dataset-not-found',
    class: 'data_error',
    source: 'tail',
    pattern:
      /DatasetNotFoundError|\bdatasets?\b[^\n]*(?:not found|does(?:n't| not) exist)|Couldn't find (?:a )?dataset|DatasetGenerationError|ArrowInvalid/i,
    description: 'a dataset could not be found or read',
  },

  // Symptoms shared with other failures: only when nothing more specific matched.
  {
    id: 'nccl-timeout',
    class: 'nccl_timeout',
    source: 'tail',
    pattern:
      /Watchdog caught collective operation timeout|collective operation timeout|NCCL[^\n]*tim(?:ed|e)[ _-]?out|ProcessGroupNCCL[^\n]*Timeout|Timed out initializing process group|barrier\(\) timed out/i,
    description: 'a collective timed out (a peer stalled, died or lost the network)',
  },
  {
    id: 'network',
    class: 'network_transient',
    source: 'tail',
    pattern:
      /ConnectionResetError|Connection reset by peer|Temporary failure in name resolution|getaddrinfo\s+(?:ENOTFOUND|EAI_AGAIN)|\bECONNRESET\b|\bETIMEDOUT\b|\bEAI_AGAIN\b|Name or service not known|ReadTimeout|ConnectTimeout|Read timed out|ConnectionRefusedError|Connection refused|RemoteDisconnected|Connection aborted|IncompleteRead|ChunkedEncodingError|Network is unreachable|TLS handshake timeout|\b50[234]\b[^\n]*(?:Bad Gateway|Service Unavailable|Gateway Time-?out|Server Error)/i,
    // Clients that log a transient error and then recover (W&B, urllib3) are noise, not the cause.
    unless: /\bretry(?:ing)?\b|entering retry loop/i,
    description: 'a network call failed in a way that usually passes',
  },

  // The generic last resort among text rules.
  {
    id: 'keyboard-interrupt',
    class: 'cancelled',
    source: 'tail',
    pattern: new RegExp(`${RANK_PREFIX}KeyboardInterrupt\\b`),
    description: 'interrupted by the user',
  },
  {
    id: 'python-exception',
    class: 'code_error',
    source: 'tail',
    pattern: new RegExp(`${RANK_PREFIX}(?:${CODE_EXCEPTIONS.join('|')})\\b(?::|$)`),
    after: TRACEBACK,
    description: 'a Python exception ended the program',
  },

  // Exit status alone, when the output says nothing more.
  {
    id: 'status-sigterm',
    class: 'preemption',
    source: 'status',
    pattern: /signal SIGTERM|exit code 143\b/,
    description: 'SIGTERM without another cause: the usual preemption notice',
  },
  {
    id: 'status-sigint',
    class: 'cancelled',
    source: 'status',
    pattern: /signal SIGINT|exit code 130\b/,
    description: 'SIGINT: interrupted by a person',
  },
];

/** Retryability is derived from the class so a rule cannot disagree with RETRYABLE_CLASSES. */
export const FAILURE_RULES: readonly FailureRule[] = SPECS.map((spec) => ({
  ...spec,
  retryable: isRetryable(spec.class),
}));
