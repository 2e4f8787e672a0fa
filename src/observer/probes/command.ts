import { lastLine, type ProbeAdapter } from './types.js';

/** Runs the command through `sh -c`; exit 0 is ok, anything else failed with its last output line. */
export const commandProbe: ProbeAdapter = {
  kind: 'command',
  async run(probe, { signal, runner, clock }) {
    const started = clock();
    const result = await runner(['sh', '-c', probe.command!], { signal });
    if (result.kind === 'error') return { status: 'failed', detail: result.message };
    if (result.code === 0) return { status: 'ok', detail: 'exit 0', latencyMs: clock() - started };
    const output = lastLine(result.stderr) || lastLine(result.stdout);
    return { status: 'failed', detail: `exit ${result.code}${output ? `: ${output}` : ''}` };
  },
};
