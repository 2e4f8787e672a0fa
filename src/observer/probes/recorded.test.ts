import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { CommandResult, CommandRunner } from '../runner.js';
import { spawnRunner } from '../runner.js';
import { dockerProbe } from './docker.js';
import { systemdProbe } from './systemd.js';
import type { ProbeContext } from './types.js';

/** Replays one recorded result of the real tool and remembers the argv it was asked to run. */
function replay(result: CommandResult): { runner: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  return { calls, runner: async (argv) => (calls.push([...argv]), result) };
}

function context(runner: CommandRunner): ProbeContext {
  return { signal: new AbortController().signal, timeoutMs: 5_000, runner, clock: () => 0 };
}

const exited = (code: number, stdout: string, stderr = ''): CommandResult => ({ kind: 'exited', code, stdout, stderr });

// The "no systemd" and "no daemon" outputs were recorded on this build machine (a container
// with the docker client and systemctl but neither engine nor systemd as PID 1). The state
// words and the .State JSON follow systemctl(1) and Docker Engine 27's `docker inspect` output.
const RUNNING_HEALTHY =
  '{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":1337,"ExitCode":0,"Error":"","StartedAt":"2026-11-20T08:00:00.1Z","FinishedAt":"0001-01-01T00:00:00Z","Health":{"Status":"healthy","FailingStreak":0,"Log":[]}}\n';
const RUNNING_NO_HEALTHCHECK =
  '{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":4242,"ExitCode":0,"Error":"","StartedAt":"2026-11-20T08:00:00.1Z","FinishedAt":"0001-01-01T00:00:00Z"}\n';
const RUNNING_UNHEALTHY =
  '{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":99,"ExitCode":0,"Error":"","StartedAt":"2026-11-20T08:00:00.1Z","FinishedAt":"0001-01-01T00:00:00Z","Health":{"Status":"unhealthy","FailingStreak":5,"Log":[]}}\n';
const EXITED_137 =
  '{"Status":"exited","Running":false,"Paused":false,"Restarting":false,"OOMKilled":true,"Dead":false,"Pid":0,"ExitCode":137,"Error":"","StartedAt":"2026-11-20T08:00:00.1Z","FinishedAt":"2026-11-22T09:00:00.2Z"}\n';

describe('systemd probe (recorded systemctl outputs)', () => {
  it.each([
    ['active', exited(0, 'active\n'), 'ok', 'unit nginx.service active'],
    ['inactive', exited(3, 'inactive\n'), 'stopped', 'unit nginx.service inactive'],
    ['failed', exited(3, 'failed\n'), 'failed', 'unit nginx.service failed'],
    ['activating', exited(3, 'activating\n'), 'degraded', 'unit nginx.service activating'],
    [
      'no systemd (container)',
      exited(
        1,
        '',
        "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n",
      ),
      'failed',
      'systemctl is-active nginx.service failed (exit 1): Failed to connect to bus: Host is down',
    ],
    [
      'systemctl missing',
      { kind: 'error', reason: 'not_found', message: 'systemctl: command not found' } as CommandResult,
      'failed',
      'systemctl: systemctl: command not found',
    ],
  ] as const)('%s', async (_, result, status, detail) => {
    const { runner, calls } = replay(result);
    expect(await systemdProbe.run({ systemd: 'nginx.service' }, context(runner))).toEqual({ status, detail });
    expect(calls).toEqual([['systemctl', 'is-active', '--', 'nginx.service']]);
  });
});

describe('docker probe (recorded docker inspect outputs)', () => {
  it.each([
    ['running, healthy', exited(0, RUNNING_HEALTHY), 'ok', 'container sonarr running, healthy'],
    ['running, no healthcheck', exited(0, RUNNING_NO_HEALTHCHECK), 'ok', 'container sonarr running'],
    ['running, unhealthy', exited(0, RUNNING_UNHEALTHY), 'degraded', 'container sonarr running, unhealthy'],
    ['exited', exited(0, EXITED_137), 'stopped', 'container sonarr exited (137)'],
    [
      'no such container',
      exited(1, '\n', 'Error: No such container: sonarr\n'),
      'stopped',
      'container sonarr not found',
    ],
    [
      'no daemon',
      exited(
        1,
        '\n',
        'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
      ),
      'failed',
      'docker daemon unreachable: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    ],
    [
      'garbage',
      exited(0, 'template: :1: bad\n'),
      'failed',
      'docker inspect sonarr: unexpected output "template: :1: bad"',
    ],
  ] as const)('%s', async (_, result, status, detail) => {
    const { runner, calls } = replay(result);
    expect(await dockerProbe.run({ docker: 'sonarr' }, context(runner))).toEqual({ status, detail });
    expect(calls).toEqual([
      ['docker', 'inspect', '--type', 'container', '--format', '{{json .State}}', '--', 'sonarr'],
    ]);
  });
});

function installed(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('real tools where they exist', () => {
  const real = context(spawnRunner);
  it.runIf(installed('docker'))('docker: a client without an engine gives a clear error', async () => {
    const outcome = await dockerProbe.run({ docker: 'labwarden-test-none' }, real);
    // This machine has the client and no engine; with an engine the container does not exist.
    expect([
      {
        status: 'failed',
        detail: expect.stringMatching(/^docker daemon unreachable: Cannot connect to the Docker daemon/),
      },
      { status: 'stopped', detail: 'container labwarden-test-none not found' },
    ]).toContainEqual(outcome);
  });
  it.runIf(installed('systemctl'))('systemd: the real systemctl answers with a state or a clear failure', async () => {
    const outcome = await systemdProbe.run({ systemd: 'labwarden-test-none.service' }, real);
    expect(outcome.detail).toMatch(
      /^(unit labwarden-test-none\.service inactive|systemctl is-active labwarden-test-none\.service failed \(exit \d+\): .+)$/,
    );
  });
  it('a missing tool is reported, not thrown', async () => {
    const result = await spawnRunner(['labwarden-no-such-tool'], { signal: new AbortController().signal });
    expect(result).toEqual({
      kind: 'error',
      reason: 'not_found',
      message: 'labwarden-no-such-tool: command not found',
    });
  });
});
