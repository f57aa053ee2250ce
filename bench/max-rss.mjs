// Preloaded into a benchmarked process (node --import): writes its peak RSS in KiB to BENCH_RSS_FILE at exit, which
// fires on process.exit too. The child's own figure, so no /usr/bin/time is needed.
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
