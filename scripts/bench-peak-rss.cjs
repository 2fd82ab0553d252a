// Preloaded (`node -r`) into a command the benchmark times: reports the process's peak RSS on exit.
process.on('exit', () => process.stderr.write(`\n${JSON.stringify({ peakRssKiB: process.resourceUsage().maxRSS })}\n`));
