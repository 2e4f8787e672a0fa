import { z } from 'zod';
import { lastLine, type ProbeAdapter, type ProbeOutcome } from './types.js';

/** The part of `docker inspect`'s .State that decides health. */
const ContainerState = z.object({
  Status: z.string(),
  ExitCode: z.number().optional(),
  Health: z.object({ Status: z.string() }).nullish(),
});
type ContainerState = z.infer<typeof ContainerState>;

/** running+healthy (or no healthcheck) ok, unhealthy/starting degraded, exited stopped. */
export function classifyContainer(name: string, state: ContainerState): ProbeOutcome {
  const health = state.Health?.Status;
  switch (state.Status) {
    case 'running':
      if (health === undefined || health === 'healthy' || health === 'none')
        return { status: 'ok', detail: `container ${name} running${health === 'healthy' ? ', healthy' : ''}` };
      return { status: 'degraded', detail: `container ${name} running, ${health}` };
    case 'exited':
      return { status: 'stopped', detail: `container ${name} exited (${state.ExitCode ?? '?'})` };
    case 'created':
      return { status: 'stopped', detail: `container ${name} created, not started` };
    case 'paused':
    case 'restarting':
      return { status: 'degraded', detail: `container ${name} ${state.Status}` };
    default:
      return { status: 'failed', detail: `container ${name} ${state.Status}` };
  }
}

export const dockerProbe: ProbeAdapter = {
  kind: 'docker',
  async run(probe, { signal, runner }) {
    const name = probe.docker!;
    const result = await runner(
      ['docker', 'inspect', '--type', 'container', '--format', '{{json .State}}', '--', name],
      { signal },
    );
    if (result.kind === 'error') return { status: 'failed', detail: `docker: ${result.message}` };
    if (result.code !== 0) {
      const reason = lastLine(result.stderr) || lastLine(result.stdout);
      if (/no such (object|container)/i.test(reason))
        return { status: 'stopped', detail: `container ${name} not found` };
      if (/cannot connect to the docker daemon/i.test(reason))
        return { status: 'failed', detail: `docker daemon unreachable: ${reason}` };
      return {
        status: 'failed',
        detail: `docker inspect ${name} failed (exit ${result.code}): ${reason || 'no output'}`,
      };
    }
    let state: ContainerState;
    try {
      state = ContainerState.parse(JSON.parse(result.stdout.trim().split('\n')[0] ?? ''));
    } catch {
      return {
        status: 'failed',
        detail: `docker inspect ${name}: unexpected output ${JSON.stringify(lastLine(result.stdout, 80))}`,
      };
    }
    return classifyContainer(name, state);
  },
};
