import { lastLine, type ProbeAdapter, type ProbeOutcome } from './types.js';

/** `systemctl is-active <unit>` prints one state word; this maps it onto a service status. */
const STATES: Record<string, ProbeOutcome['status']> = {
  active: 'ok',
  reloading: 'degraded',
  activating: 'degraded',
  deactivating: 'degraded',
  inactive: 'stopped',
  failed: 'failed',
};

export const systemdProbe: ProbeAdapter = {
  kind: 'systemd',
  async run(probe, { signal, runner }) {
    const unit = probe.systemd!;
    const result = await runner(['systemctl', 'is-active', '--', unit], { signal });
    if (result.kind === 'error') return { status: 'failed', detail: `systemctl: ${result.message}` };
    const state = result.stdout.trim().split('\n')[0]?.trim() ?? '';
    const status = STATES[state];
    if (status) return { status, detail: `unit ${unit} ${state}` };
    // No state word: systemctl itself failed (no systemd as PID 1, no bus, no permission).
    return {
      status: 'failed',
      detail: `systemctl is-active ${unit} failed (exit ${result.code}): ${lastLine(result.stderr) || lastLine(result.stdout) || 'no output'}`,
    };
  },
};
