#!/usr/bin/env node
// A tiny stand-in for a training script, bundled so the README demo and the
// job tests launch a real process that behaves like training: it prints
// `step=… loss=… samples_per_s=…` lines with a decreasing loss, writes
// checkpoints as directories with metadata.json (written last, so a
// directory without it is an interrupted save), and can be told to fail
// the ways real jobs fail, or to hang.
//
//   node examples/train.mjs [--steps 20] [--sleep-ms 50] [--lr 0.1]
//     [--ckpt-every 5] [--ckpt-dir <dir>] [--format kv|json|hf]
//     [--fail-at <step> --fail-with network|nccl|oom_gpu|oom_host|code|data|numerical|auth|exit]
//     [--fail-attempts <n>]   fail (or hang) only while RUNLOG_ATTEMPT <= n, then succeed on retry
//     [--hang-at <step>]      stop printing and wait forever (a stalled job)
//     [--config <file>]       read steps/lr from a JSON config
//     [--result]              write result.json (final step and loss) into the output directory
//     [--track <file>]        append `start|end <run> <attempt> <ms>` lines (tests measure concurrency)
//     [--init-from <ckpt>]    start after the checkpoint's step (metadata.json); $RUNLOG_INIT_FROM is echoed
//   RUNLOG_RESUME_FROM=<checkpoint dir>: continue after the step its metadata.json records
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const config = opt('config') ? JSON.parse(readFileSync(opt('config'), 'utf8')) : {};
const steps = Number(opt('steps', config.steps ?? 20));
const sleepMs = Number(opt('sleep-ms', 50));
const lr = Number(opt('lr', config.lr ?? 0.1));
const ckptEvery = Number(opt('ckpt-every', 5));
const outputDir = process.env.RUNLOG_OUTPUT_DIR ?? process.cwd();
const ckptDir = opt('ckpt-dir', join(outputDir, 'checkpoints'));
const format = opt('format', 'kv');
const failAt = opt('fail-at') === undefined ? undefined : Number(opt('fail-at'));
const failWith = opt('fail-with', 'exit');
const failAttempts = opt('fail-attempts') === undefined ? Infinity : Number(opt('fail-attempts'));
const hangAt = opt('hang-at') === undefined ? undefined : Number(opt('hang-at'));
const attempt = Number(process.env.RUNLOG_ATTEMPT ?? 1);
const writeResult = args.includes('--result');
const track = opt('track');
const resumeFrom = process.env.RUNLOG_RESUME_FROM;
const initFrom = opt('init-from');

const FAILURES = {
  network: ['ConnectionResetError: [Errno 104] Connection reset by peer', 1],
  nccl: ['[E ProcessGroupNCCL.cpp:475] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=52) ran for 1800000 milliseconds before timing out.', 1],
  oom_gpu: ['torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 39.39 GiB total capacity)', 1],
  oom_host: ['MemoryError: Unable to allocate 8.00 GiB for an array', 1],
  code: ['Traceback (most recent call last):\n  File "train.py", line 42, in <module>\nValueError: expected 3 channels, got 4', 1],
  data: ['FileNotFoundError: [Errno 2] No such file or directory: \'/data/shards/train-00042.parquet\'', 1],
  numerical: ['FloatingPointError: loss is nan at step', 1],
  auth: ['wandb: ERROR Error while calling W&B API: 401 Unauthorized (invalid API key)', 1],
  exit: ['training script exiting with status 3', 3],
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function saveCheckpoint(step, loss) {
  const dir = join(ckptDir, `step-${step}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'weights.json'), JSON.stringify({ step, w: loss }));
  const tmp = join(dir, '.metadata.json.tmp');
  writeFileSync(tmp, JSON.stringify({ step, loss, lr, saved_at: new Date().toISOString() }));
  renameSync(tmp, join(dir, 'metadata.json'));
}

function print(step, loss, throughput) {
  const l = Number(loss.toFixed(4));
  if (format === 'json') console.log(JSON.stringify({ step, loss: l, samples_per_s: throughput }));
  else if (format === 'hf') console.log(`{'loss': ${l}, 'learning_rate': ${lr}, 'epoch': ${(step / steps).toFixed(2)}, 'step': ${step}}`);
  else console.log(`step=${step} loss=${l} samples_per_s=${throughput}`);
}

let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});

if (track) {
  const line = (what) => appendFileSync(track, `${what} ${process.env.RUNLOG_RUN_ID ?? '-'} ${attempt} ${Date.now()}\n`);
  line('start');
  process.on('exit', () => line('end'));
  // A hung job never exits by itself and is SIGKILLed after its grace: the stop request marks its end.
  process.on('SIGTERM', () => line('end'));
}

let first = 1;
if (process.env.RUNLOG_INIT_FROM) console.log(`train.mjs: RUNLOG_INIT_FROM=${process.env.RUNLOG_INIT_FROM}`);
if (initFrom) {
  first = JSON.parse(readFileSync(join(initFrom, 'metadata.json'), 'utf8')).step + 1;
  console.log(`train.mjs: resuming from ${initFrom} at step ${first}`);
} else if (resumeFrom && existsSync(join(resumeFrom, 'metadata.json'))) {
  first = JSON.parse(readFileSync(join(resumeFrom, 'metadata.json'), 'utf8')).step + 1;
  console.log(`train.mjs: resumed from ${resumeFrom} at step ${first - 1}`);
}

console.log(`train.mjs: ${steps} steps, lr ${lr}, attempt ${attempt}, checkpoints in ${ckptDir}`);
let lastLoss;
for (let step = first; step <= steps; step++) {
  if (stopping) {
    console.log(`train.mjs: SIGTERM at step ${step}; exiting`);
    process.exit(143);
  }
  if (hangAt !== undefined && step === hangAt && attempt <= failAttempts) {
    console.log('train.mjs: waiting on a peer (no more output until it answers)');
    setInterval(() => {}, 1 << 30);
    await new Promise(() => {});
  }
  if (failAt !== undefined && step === failAt && attempt <= failAttempts) {
    const [message, code] = FAILURES[failWith] ?? FAILURES.exit;
    console.error(message);
    process.exit(code);
  }
  const loss = 2.5 * Math.exp(-lr * step) + 0.05;
  lastLoss = loss;
  print(step, loss, 100 + (step % 7));
  if (step % ckptEvery === 0 || step === steps) saveCheckpoint(step, loss);
  await sleep(sleepMs);
}
if (writeResult) {
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(join(outputDir, 'result.json'), `${JSON.stringify({ final_step: steps, loss: lastLoss })}\n`);
}
console.log('train.mjs: done');
