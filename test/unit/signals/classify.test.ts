import { describe, expect, it } from 'vitest';
import {
  FAILURE_CLASSES,
  FAILURE_RULES,
  FailureClassSchema,
  RETRYABLE_CLASSES,
  classifyFailure,
  type FailureClass,
  type FailureInput,
} from '../../../src/signals/classify.js';
import { scrubberFor } from '../../../src/core/scrub/scrub.js';

interface Case {
  rule: string;
  cls: FailureClass;
  input: FailureInput;
  evidence: string;
}

const tb = (...lines: string[]) =>
  ['Traceback (most recent call last):', '  File "/work/train.py", line 212, in <module>', '    main()', ...lines].join(
    '\n',
  );

const CASES: Case[] = [
  {
    rule: 'reason-timeout',
    cls: 'walltime',
    input: { exitCode: 0x0f, tail: 'step=9000 loss=1.2', executorReason: 'TIMEOUT' },
    evidence: 'executor reason: TIMEOUT',
  },
  {
    rule: 'reason-timeout',
    cls: 'walltime',
    input: { signal: 'SIGTERM', tail: '', executorReason: 'timed_out' },
    evidence: 'executor reason: timed_out',
  },
  {
    rule: 'reason-preempted',
    cls: 'preemption',
    input: { exitCode: null, tail: 'step=10', executorReason: 'PREEMPTED' },
    evidence: 'executor reason: PREEMPTED',
  },
  {
    rule: 'reason-node-fail',
    cls: 'node_failure',
    input: { exitCode: 1, tail: '', executorReason: 'NODE_FAIL' },
    evidence: 'executor reason: NODE_FAIL',
  },
  {
    rule: 'reason-oom',
    cls: 'oom_host',
    input: { exitCode: 0x7d, tail: 'step=3', executorReason: 'OUT_OF_MEMORY' },
    evidence: 'executor reason: OUT_OF_MEMORY',
  },
  {
    rule: 'reason-cancelled',
    cls: 'cancelled',
    input: { exitCode: 0x0f, tail: '', executorReason: 'CANCELLED by 1000' },
    evidence: 'executor reason: CANCELLED by 1000',
  },
  {
    rule: 'slurm-time-limit',
    cls: 'walltime',
    input: {
      exitCode: 0x0f,
      tail: 'step=4000 loss=2.01\nslurmstepd: error: *** JOB 481516 ON gpu-a17 CANCELLED AT 2026-03-11T15:00:02 DUE TO TIME LIMIT ***',
    },
    evidence: 'slurmstepd: error: *** JOB 481516 ON gpu-a17 CANCELLED AT 2026-03-11T15:00:02 DUE TO TIME LIMIT ***',
  },
  {
    rule: 'slurm-preemption',
    cls: 'preemption',
    input: {
      exitCode: 0x0f,
      tail: 'slurmstepd: error: *** STEP 481516.0 ON gpu-a17 CANCELLED AT 2026-03-11T15:00:02 DUE TO PREEMPTION ***',
    },
    evidence: 'slurmstepd: error: *** STEP 481516.0 ON gpu-a17 CANCELLED AT 2026-03-11T15:00:02 DUE TO PREEMPTION ***',
  },
  {
    rule: 'slurm-node-failure',
    cls: 'node_failure',
    input: {
      exitCode: 1,
      tail: 'srun: error: Node failure on gpu-a17\nslurmstepd: error: *** JOB 481516 ON gpu-a17 CANCELLED AT 2026-03-11T15:00:02 DUE TO NODE FAILURE ***',
    },
    evidence: 'slurmstepd: error: *** JOB 481516 ON gpu-a17 CANCELLED AT 2026-03-11T15:00:02 DUE TO NODE FAILURE ***',
  },
  {
    rule: 'host-oom-kill',
    cls: 'oom_host',
    input: {
      exitCode: 0x7d,
      tail: 'step=12 loss=3.4\nslurmstepd: error: Detected 1 oom-kill event(s) in StepId=481516.batch. Some of your processes may have been killed by the cgroup out-of-memory handler.',
    },
    evidence:
      'slurmstepd: error: Detected 1 oom-kill event(s) in StepId=481516.batch. Some of your processes may have been killed by the cgroup out-of-memory handler.',
  },
  {
    rule: 'slurm-cancelled',
    cls: 'cancelled',
    input: {
      exitCode: 0x0f,
      tail: 'step=100\nslurmstepd: error: *** JOB 481516 ON gpu-a17 CANCELLED AT 2026-03-11T15:00:02 ***',
    },
    evidence: 'slurmstepd: error: *** JOB 481516 ON gpu-a17 CANCELLED AT 2026-03-11T15:00:02 ***',
  },
  {
    rule: 'preempted-text',
    cls: 'preemption',
    input: { exitCode: 1, tail: 'step=500\nWARNING: Instance was preempted by the cloud provider; shutting down' },
    evidence: 'WARNING: Instance was preempted by the cloud provider; shutting down',
  },
  {
    rule: 'disk-full',
    cls: 'disk_full',
    input: {
      exitCode: 1,
      tail: tb(
        '  File "/venv/lib/python3.11/site-packages/torch/serialization.py", line 628, in save',
        'RuntimeError: [enforce fail at inline_container.cc:595] . unexpected pos 4096 vs 0: OSError: [Errno 28] No space left on device',
      ),
    },
    evidence:
      'RuntimeError: [enforce fail at inline_container.cc:595] . unexpected pos 4096 vs 0: OSError: [Errno 28] No space left on device',
  },
  {
    rule: 'disk-full',
    cls: 'disk_full',
    input: { exitCode: 1, tail: 'Error: ENOSPC: no space left on device, write' },
    evidence: 'Error: ENOSPC: no space left on device, write',
  },
  {
    rule: 'disk-full',
    cls: 'disk_full',
    input: { exitCode: 1, tail: 'cp: error writing /scratch/u/ckpt/shard-3: Disk quota exceeded' },
    evidence: 'cp: error writing /scratch/u/ckpt/shard-3: Disk quota exceeded',
  },
  {
    rule: 'gpu-oom',
    cls: 'oom_gpu',
    input: {
      exitCode: 1,
      tail: tb(
        '  File "/work/model.py", line 88, in forward',
        '    attn = q @ k.transpose(-2, -1)',
        'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB of which 1.02 GiB is free.',
      ),
    },
    evidence:
      'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB of which 1.02 GiB is free.',
  },
  {
    rule: 'gpu-oom',
    cls: 'oom_gpu',
    input: {
      exitCode: 1,
      tail: tb('RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`'),
    },
    evidence: 'RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`',
  },
  {
    rule: 'host-memory-error',
    cls: 'oom_host',
    input: {
      exitCode: 1,
      tail: tb(
        '  File "/work/data.py", line 40, in load',
        '    arr = np.concatenate(chunks)',
        'MemoryError: Unable to allocate 96.0 GiB for an array with shape (12884901888,) and data type float64',
      ),
    },
    evidence: 'MemoryError: Unable to allocate 96.0 GiB for an array with shape (12884901888,) and data type float64',
  },
  {
    rule: 'host-killed',
    cls: 'oom_host',
    input: {
      exitCode: 137,
      tail: 'step=300 loss=1.9\n/var/spool/slurmd/job481516/slurm_script: line 12: 90211 Killed                  python train.py',
    },
    evidence: '/var/spool/slurmd/job481516/slurm_script: line 12: 90211 Killed                  python train.py',
  },
  { rule: 'host-killed', cls: 'oom_host', input: { signal: 'SIGKILL', tail: 'Killed' }, evidence: 'Killed' },
  {
    rule: 'numerical',
    cls: 'numerical',
    input: { exitCode: 1, tail: 'step=1200 loss=2.3\nstep=1210 loss=nan grad_norm=nan\nRuntimeError: stopping' },
    evidence: 'step=1210 loss=nan grad_norm=nan',
  },
  {
    rule: 'numerical',
    cls: 'numerical',
    input: { exitCode: 1, tail: 'ERROR train.py:301 loss is nan at step 5012, aborting' },
    evidence: 'ERROR train.py:301 loss is nan at step 5012, aborting',
  },
  {
    rule: 'numerical',
    cls: 'numerical',
    input: { exitCode: 1, tail: '{"step": 77, "loss": NaN}' },
    evidence: '{"step": 77, "loss": NaN}',
  },
  {
    rule: 'numerical',
    cls: 'numerical',
    input: { exitCode: 1, tail: 'Loss is inf, stopping training' },
    evidence: 'Loss is inf, stopping training',
  },
  {
    rule: 'numerical',
    cls: 'numerical',
    input: {
      exitCode: 1,
      tail: tb('FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding.'),
    },
    evidence: 'FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding.',
  },
  {
    rule: 'checkpoint-load',
    cls: 'checkpoint_error',
    input: {
      exitCode: 1,
      tail: tb(
        'RuntimeError: Error(s) in loading state_dict for GPT:',
        '\tsize mismatch for transformer.wte.weight: copying a param with shape torch.Size([50304, 768]) from checkpoint, the shape in current model is torch.Size([50257, 768]).',
      ),
    },
    evidence:
      'size mismatch for transformer.wte.weight: copying a param with shape torch.Size([50304, 768]) from checkpoint, the shape in current model is torch.Size([50257, 768]).',
  },
  {
    rule: 'checkpoint-load',
    cls: 'checkpoint_error',
    input: {
      exitCode: 1,
      tail: 'INFO resuming from /ckpt/run7/step-4000\nERROR unexpected EOF while loading checkpoint /ckpt/run7/step-4000/model.pt',
    },
    evidence: 'ERROR unexpected EOF while loading checkpoint /ckpt/run7/step-4000/model.pt',
  },
  {
    rule: 'checkpoint-missing',
    cls: 'checkpoint_error',
    input: {
      exitCode: 1,
      tail: tb(
        "FileNotFoundError: [Errno 2] No such file or directory: '/data/runs/gpt2/checkpoints/step_4000/metadata.json'",
      ),
    },
    evidence:
      "FileNotFoundError: [Errno 2] No such file or directory: '/data/runs/gpt2/checkpoints/step_4000/metadata.json'",
  },
  {
    rule: 'checkpoint-missing',
    cls: 'checkpoint_error',
    input: { exitCode: 1, tail: tb('ValueError: checkpoint gs://bucket/run/step-900 does not exist') },
    evidence: 'ValueError: checkpoint gs://bucket/run/step-900 does not exist',
  },
  {
    rule: 'auth',
    cls: 'auth',
    input: {
      exitCode: 1,
      tail: 'wandb: ERROR Error while calling W&B API: user is not logged in (<Response [401]>)\nwandb: ERROR Run initialization has timed out after 90.0 sec.',
    },
    evidence: 'wandb: ERROR Error while calling W&B API: user is not logged in (<Response [401]>)',
  },
  {
    rule: 'auth',
    cls: 'auth',
    input: {
      exitCode: 1,
      tail: tb(
        'requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://huggingface.co/api/models/meta-llama/Llama-2-7b',
      ),
    },
    evidence:
      'requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://huggingface.co/api/models/meta-llama/Llama-2-7b',
  },
  {
    rule: 'auth',
    cls: 'auth',
    input: { exitCode: 1, tail: 'HTTP/1.1 403 Forbidden' },
    evidence: 'HTTP/1.1 403 Forbidden',
  },
  {
    rule: 'auth',
    cls: 'auth',
    input: { exitCode: 1, tail: 'openai.AuthenticationError: Invalid API key provided' },
    evidence: 'openai.AuthenticationError: Invalid API key provided',
  },
  {
    rule: 'data-missing-file',
    cls: 'data_error',
    input: {
      exitCode: 1,
      tail: tb(
        "FileNotFoundError: [Errno 2] No such file or directory: '/checkpoint/alice/data/c4/train-00017.parquet'",
      ),
    },
    evidence: "FileNotFoundError: [Errno 2] No such file or directory: '/checkpoint/alice/data/c4/train-00017.parquet'",
  },
  {
    rule: 'dataset-not-found',
    cls: 'data_error',
    input: {
      exitCode: 1,
      tail: tb(
        "datasets.exceptions.DatasetNotFoundError: Dataset 'acme/private-corpus' doesn't exist on the Hub or cannot be accessed.",
      ),
    },
    evidence:
      "datasets.exceptions.DatasetNotFoundError: Dataset 'acme/private-corpus' doesn't exist on the Hub or cannot be accessed.",
  },
  {
    rule: 'nccl-timeout',
    cls: 'nccl_timeout',
    input: {
      exitCode: 1,
      tail: '[rank3]:[E ProcessGroupNCCL.cpp:563] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88123, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600043 milliseconds before timing out.',
    },
    evidence:
      '[rank3]:[E ProcessGroupNCCL.cpp:563] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88123, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600043 milliseconds before timing out.',
  },
  {
    rule: 'nccl-timeout',
    cls: 'nccl_timeout',
    input: { exitCode: 1, tail: 'gpu-a17:901:933 [0] NCCL INFO comm 0x5 rank 0 operation timed out' },
    evidence: 'gpu-a17:901:933 [0] NCCL INFO comm 0x5 rank 0 operation timed out',
  },
  {
    rule: 'network',
    cls: 'network_transient',
    input: { exitCode: 1, tail: tb('ConnectionResetError: [Errno 104] Connection reset by peer') },
    evidence: 'ConnectionResetError: [Errno 104] Connection reset by peer',
  },
  {
    rule: 'network',
    cls: 'network_transient',
    input: {
      exitCode: 1,
      tail: tb(
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='huggingface.co', port=443): Max retries exceeded with url: /api (Caused by NameResolutionError(\"Failed to resolve 'huggingface.co' ([Errno -3] Temporary failure in name resolution)\"))",
      ),
    },
    evidence:
      "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='huggingface.co', port=443): Max retries exceeded with url: /api (Caused by NameResolutionError(\"Failed to resolve 'huggingface.co' ([Errno -3] Temporary failure in name resolution)\"))",
  },
  {
    rule: 'network',
    cls: 'network_transient',
    input: { exitCode: 1, tail: 'Error: getaddrinfo ENOTFOUND api.wandb.ai' },
    evidence: 'Error: getaddrinfo ENOTFOUND api.wandb.ai',
  },
  {
    rule: 'network',
    cls: 'network_transient',
    input: {
      exitCode: 1,
      tail: tb(
        "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='s3.amazonaws.com', port=443): Read timed out. (read timeout=60)",
      ),
    },
    evidence:
      "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='s3.amazonaws.com', port=443): Read timed out. (read timeout=60)",
  },
  {
    rule: 'keyboard-interrupt',
    cls: 'cancelled',
    input: { exitCode: 1, tail: tb('  File "/work/train.py", line 80, in step', 'KeyboardInterrupt') },
    evidence: 'KeyboardInterrupt',
  },
  {
    rule: 'python-exception',
    cls: 'code_error',
    input: {
      exitCode: 1,
      tail: tb(
        '  File "/work/train.py", line 150, in main',
        '    cfg.optimizer.betas[2]',
        'IndexError: list index out of range',
      ),
    },
    evidence: 'IndexError: list index out of range',
  },
  {
    rule: 'python-exception',
    cls: 'code_error',
    input: { exitCode: 1, tail: tb("[rank0]: AttributeError: 'Trainer' object has no attribute 'schedular'") },
    evidence: "[rank0]: AttributeError: 'Trainer' object has no attribute 'schedular'",
  },
  {
    rule: 'python-exception',
    cls: 'code_error',
    input: {
      exitCode: 1,
      tail: '  File "/work/train.py", line 3\n    def f(:\n          ^\nSyntaxError: invalid syntax',
    },
    evidence: 'SyntaxError: invalid syntax',
  },
  {
    rule: 'python-exception',
    cls: 'code_error',
    input: { exitCode: 1, tail: tb("ModuleNotFoundError: No module named 'flash_attn'") },
    evidence: "ModuleNotFoundError: No module named 'flash_attn'",
  },
  {
    rule: 'status-sigterm',
    cls: 'preemption',
    input: { exitCode: 143, tail: 'step=4000 loss=2.0\n' },
    evidence: 'exit code 143',
  },
  { rule: 'status-sigterm', cls: 'preemption', input: { signal: '15', tail: '' }, evidence: 'signal SIGTERM' },
  { rule: 'status-sigint', cls: 'cancelled', input: { signal: 'INT', tail: 'step=3' }, evidence: 'signal SIGINT' },
];

describe('classifyFailure: one realistic tail per rule', () => {
  it.each(CASES.map((c) => [c.rule, c.cls, c] as const))('%s → %s', (_rule, _cls, c) => {
    const result = classifyFailure(c.input);
    // Evidence is the whole matching line, clipped to 200 characters.
    const evidence = c.evidence.length <= 200 ? c.evidence : `${c.evidence.slice(0, 199)}…`;
    expect(result).toEqual({ class: c.cls, evidence, rule: c.rule, retryable: RETRYABLE_CLASSES.includes(c.cls) });
  });

  it('has a case for every rule', () => {
    const covered = new Set(CASES.map((c) => c.rule));
    expect(FAILURE_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('rule ids are unique and rule retryability agrees with RETRYABLE_CLASSES', () => {
    expect(new Set(FAILURE_RULES.map((r) => r.id)).size).toBe(FAILURE_RULES.length);
    for (const rule of FAILURE_RULES) expect(rule.retryable).toBe(RETRYABLE_CLASSES.includes(rule.class));
  });
});

describe('classifyFailure: precedence', () => {
  it('a CUDA OOM inside a traceback is oom_gpu, not code_error', () => {
    const r = classifyFailure({ exitCode: 1, tail: tb('RuntimeError: CUDA error: out of memory') });
    expect(r?.class).toBe('oom_gpu');
  });

  it('a missing checkpoint path is checkpoint_error, a missing data path is data_error', () => {
    const ckpt = classifyFailure({
      exitCode: 1,
      tail: tb(
        "FileNotFoundError: [Errno 2] No such file or directory: '/data/out/run1/checkpoint-500/model.safetensors'",
      ),
    });
    const data = classifyFailure({
      exitCode: 1,
      tail: tb("FileNotFoundError: [Errno 2] No such file or directory: '/ckpt-root/datasets/wiki/train.jsonl'"),
    });
    expect(ckpt?.class).toBe('checkpoint_error');
    expect(data?.class).toBe('data_error');
  });

  it('the root cause beats the collective timeouts it causes on other ranks', () => {
    const tail = [
      '[rank1]:[E ProcessGroupNCCL.cpp:563] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5, OpType=ALLREDUCE) ran for 600000 milliseconds',
      tb('torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB'),
    ].join('\n');
    expect(classifyFailure({ exitCode: 1, tail })?.class).toBe('oom_gpu');
  });

  it('the executor reason beats text symptoms', () => {
    const r = classifyFailure({ exitCode: 1, tail: 'NCCL WARN Timeout waiting for peers', executorReason: 'TIMEOUT' });
    expect(r).toMatchObject({ class: 'walltime', rule: 'reason-timeout', retryable: false });
  });

  it('W&B retry noise does not hide the real exception', () => {
    const tail = [
      'wandb: Network error (ConnectionError), entering retry loop.',
      "urllib3 WARNING Retrying (Retry(total=4)) after connection broken by 'ReadTimeoutError'",
      tb("KeyError: 'input_ids'"),
    ].join('\n');
    expect(classifyFailure({ exitCode: 1, tail })).toMatchObject({
      class: 'code_error',
      evidence: "KeyError: 'input_ids'",
    });
  });

  it('SIGTERM with a code error in the output is the code error', () => {
    expect(classifyFailure({ exitCode: 143, tail: tb('ValueError: bad shape') })?.class).toBe('code_error');
  });

  it('"Killed" without SIGKILL or exit 137 is not host OOM', () => {
    expect(classifyFailure({ exitCode: 1, tail: 'worker 3 Killed by user request' })?.class).toBe('unknown');
  });

  it('an exception name without a traceback header is not a code error', () => {
    expect(
      classifyFailure({
        exitCode: 2,
        tail: 'usage: train.py [-h]\ntrain.py: error: ValueError: unrecognized arguments',
      }),
    ).toMatchObject({ class: 'unknown' });
  });

  it('a SyntaxError while parsing is not a truncated checkpoint', () => {
    expect(classifyFailure({ exitCode: 1, tail: tb('SyntaxError: unexpected EOF while parsing') })?.class).toBe(
      'code_error',
    );
  });
});

describe('classifyFailure: executor phases as reasons', () => {
  it.each([
    ['timed_out', 'walltime'],
    ['preempted', 'preemption'],
    ['node_failure', 'node_failure'],
    ['oom', 'oom_host'],
    ['canceled', 'cancelled'],
    ['failed', 'unknown'],
  ] as const)('%s → %s', (phase, cls) => {
    expect(classifyFailure({ exitCode: 1, tail: 'step=5', executorReason: phase })?.class).toBe(cls);
  });
});

describe('classifyFailure: outcomes that are not rule matches', () => {
  it('returns null for exit 0 without a signal', () => {
    expect(
      classifyFailure({ exitCode: 0, tail: 'Traceback (most recent call last):\nValueError: logged and handled' }),
    ).toBeNull();
  });

  it('is unknown with the last non-empty line as evidence', () => {
    expect(classifyFailure({ exitCode: 3, tail: 'step=10\nsomething odd happened\n\n  \n' })).toEqual({
      class: 'unknown',
      evidence: 'something odd happened',
      rule: 'unknown',
      retryable: false,
    });
  });

  it('falls back to the exit status, then to "no output", when the tail is empty', () => {
    expect(classifyFailure({ exitCode: 137, tail: '' })?.evidence).toBe('exit code 137');
    expect(classifyFailure({ tail: '' })).toMatchObject({ class: 'unknown', evidence: 'no output' });
  });

  it('clips long evidence to 200 characters', () => {
    const r = classifyFailure({ exitCode: 1, tail: `No space left on device ${'x'.repeat(500)}` });
    expect(r?.evidence.length).toBe(200);
    expect(r?.evidence.endsWith('…')).toBe(true);
  });
});

describe('failure classes', () => {
  it('are exactly the fifteen documented names', () => {
    expect([...FAILURE_CLASSES]).toEqual([
      'oom_gpu',
      'oom_host',
      'nccl_timeout',
      'network_transient',
      'preemption',
      'walltime',
      'node_failure',
      'data_error',
      'auth',
      'numerical',
      'checkpoint_error',
      'code_error',
      'disk_full',
      'cancelled',
      'unknown',
    ]);
    expect(FailureClassSchema.parse('oom_gpu')).toBe('oom_gpu');
    expect(FailureClassSchema.safeParse('oom').success).toBe(false);
    expect([...RETRYABLE_CLASSES].sort()).toEqual(
      ['network_transient', 'nccl_timeout', 'node_failure', 'preemption'].sort(),
    );
  });
});

describe('classifyFailure: cost', () => {
  it('stays fast on runaway lines that tempt regex backtracking', () => {
    const tails = [
      `FileNotFoundError: No such file or directory: '${'a/'.repeat(30000)}`,
      `FileNotFoundError ${'ckpt'.repeat(15000)}`,
      `Traceback (most recent call last)\n${'  File "x.py", line 1, in f\n'.repeat(2500)}`,
    ];
    const started = performance.now();
    for (const tail of tails) expect(classifyFailure({ exitCode: 1, tail })).not.toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('classifyFailure: evidence and the ledger’s own scrub rules', () => {
  // A token of the user's own shape that straddles the 200-character cut: only its first half would be left after the cut.
  const token = `acme-${'k'.repeat(60)}`;
  const line = `RuntimeError: ${'x'.repeat(170)} ${token}`;
  const rules = [{ kind: 'acme', pattern: 'acme-[a-z]{40,}' }];

  it('applies them before the cut', () => {
    const c = classifyFailure({ exitCode: 1, tail: line, scrubber: scrubberFor(rules) })!;
    expect(c.evidence).toContain('[REDACTED:acme]');
    expect(c.evidence).not.toContain('acme-kkkk');
  });

  it('without them, the cut leaves the first half of the token (what the door could no longer recognise)', () => {
    const c = classifyFailure({ exitCode: 1, tail: line })!;
    expect(c.evidence).toContain('acme-kkkk');
    expect(c.evidence.endsWith('…')).toBe(true);
  });
});
