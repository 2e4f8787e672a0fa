// One cold reconcile through the built CLI code, as `labwarden reconcile` runs it; prints
// the wall time and the process's peak resident set size as one JSON line on stderr.
import { main } from '../dist/cli/main.js';

const start = performance.now();
const code = await main(process.argv.slice(2), {
  out: () => {},
  err: (text) => process.stderr.write(`${text}\n`),
  color: false,
  exitCode: 0,
});
const wallMs = performance.now() - start;
process.stderr.write(`${JSON.stringify({ code, wallMs, maxRssKb: process.resourceUsage().maxRSS })}\n`);
