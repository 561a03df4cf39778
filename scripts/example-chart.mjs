// Regenerates docs/example-chart.svg, the chart the README shows, through the
// real CLI: a throwaway ledger holds a run of two attempts (the first spikes,
// goes NaN and dies; the second resumes from the step-5000 checkpoint) whose
// output logs are written here, then `runlog plot` draws it.
//   node scripts/example-chart.mjs
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'run.js');
const dir = mkdtempSync(join(tmpdir(), 'runlog-example-chart-'));
const sh = (cmd, args) => execFileSync(cmd, args, { cwd: dir, encoding: 'utf8' });
try {
  sh('git', ['init', '-q', '-b', 'main']);
  sh('git', ['config', 'user.email', 'example@runlog.local']);
  sh('git', ['config', 'user.name', 'example']);
  sh('node', [CLI, 'init', '--no-push']);

  let seed = 7;
  const rnd = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const loss = (s) => 0.35 + 2.6 * Math.exp(-s / 1800) + 0.06 * (rnd() - 0.5);
  const log = (attempt, from, to, line) => {
    const d = join(dir, '.runlog', 'outputs', 'arx5', '2026-03-22_pretrain', `attempt-${attempt}`);
    mkdirSync(d, { recursive: true });
    const lines = [];
    for (let s = from; s <= to; s += 10) lines.push(line(s));
    writeFileSync(join(d, 'output.log'), `${lines.join('\n')}\n`);
    return join(d, 'output.log');
  };
  const first = log(1, 10, 6200, (s) => {
    const l = s >= 5900 ? 'nan' : (loss(s) + (s >= 3100 && s < 3160 ? 1.4 : 0)).toFixed(4);
    const val = s % 1000 === 0 ? ` eval_loss=${(loss(s) + 0.05).toFixed(4)}` : '';
    return `step=${s} loss=${l}${val} tokens_per_s=${Math.round(48000 + 1500 * (rnd() - 0.5))}`;
  });
  const second = log(2, 5010, 12000, (s) => {
    const val = s % 1000 === 0 ? ` eval_loss=${(loss(s) + 0.04).toFixed(4)}` : '';
    return `step=${s} loss=${loss(s).toFixed(4)}${val} tokens_per_s=${Math.round(51000 + 1500 * (rnd() - 0.5))}`;
  });
  mkdirSync(join(dir, 'run_logs', 'arx5'), { recursive: true });
  writeFileSync(
    join(dir, 'run_logs', 'arx5', '2026-03-22_pretrain.md'),
    [
      '# pretrain — 12k steps, default LR',
      '',
      '## Mode',
      '- run_type: experiment',
      '- objective: pretrain at the default LR',
      '',
      '## Job',
      '- execution_id: `4242`',
      '- attempt: 1',
      `- output_log: \`${first}\``,
      '',
      '## Job (resumed)',
      '- execution_id: `4390`',
      '- attempt: 2',
      '- resumed from: `/ckpt/pretrain/step-5000`',
      `- output_log: \`${second}\``,
      '',
      '## Status',
      '- 2026-03-22 09:00 UTC — running — launched',
      '- 2026-03-22 15:10 UTC — command_failed — numerical: loss is NaN from step 5900',
      '- 2026-03-22 15:30 UTC — pending — resumed as attempt 2 from /ckpt/pretrain/step-5000',
      '- 2026-03-22 15:32 UTC — running — launched',
      '- 2026-03-22 23:40 UTC — completed, step 12000 — exit code 0',
      '',
      '## Results',
      '- final step: 12000',
      '- checkpoint: `/ckpt/pretrain/step-12000`',
      '',
    ].join('\n'),
  );
  sh('git', ['add', 'run_logs']);
  sh('git', ['commit', '-q', '-m', 'example run']);
  const out = JSON.parse(sh('node', [CLI, 'plot', 'arx5/2026-03-22_pretrain', '--no-push', '--json']));
  copyFileSync(join(dir, out.chart), join(ROOT, 'docs', 'example-chart.svg'));
  console.log(`docs/example-chart.svg: ${out.bytes} bytes`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
