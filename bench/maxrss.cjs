// Preloaded with `node -r`: at exit, write this process's peak RSS (KiB) to the file RUNLOG_BENCH_RSS names.
process.on('exit', () => {
  if (process.env.RUNLOG_BENCH_RSS)
    require('node:fs').writeFileSync(process.env.RUNLOG_BENCH_RSS, String(process.resourceUsage().maxRSS));
});
