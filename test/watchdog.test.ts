import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatTime } from '../src/model/index.js';
import { DiscordStandIn, WEBHOOK_URL } from './helpers/discord-stand-in.js';
import { beat, demoFiles, git, makeRemote } from './helpers/git.js';
import { cleanupRepos, runCli } from './helpers/repo.js';

let discord: DiscordStandIn;
beforeAll(async () => {
  discord = await new DiscordStandIn().start();
});
afterAll(async () => {
  await discord.stop();
  await cleanupRepos();
});
beforeEach(() => {
  discord.requests.length = 0;
});

const env = () => ({ DISCORD_WEBHOOK_URL: WEBHOOK_URL, DISCORD_API_URL: discord.api });
const webhooks = () => discord.accepted(/\/webhooks\//);
const NOW = '2026-11-22T10:05:00Z';

/** One node, no services, no status yet: only the checks under test can fail. */
const SMALL = {
  '.gitignore': '.labwarden/\n',
  'inventory/hosts/nas/services.yaml': 'services: []\n',
  'world/nodes/nas.yaml': 'node: nas\nobserved_at: 2026-11-22T10:00:00Z\nstatus: online\nservices: []\n',
};

describe('labwarden watchdog (the last step of reconcile.yml)', () => {
  it('a failing workflow alerts once per episode across fresh checkouts, then once on recovery', async () => {
    const remote = await makeRemote(SMALL);
    const watchdog = async (status: string, at: string) => {
      // Every run in a fresh clone, as Actions does: only the remote remembers the episode.
      const dir = await remote.clone();
      return runCli(['watchdog', '--repo', dir, '--now', at, '--job-status', status], {
        env: {
          ...env(),
          LABWARDEN_STEPS: `validate=success reconcile=${status} notify=success`,
          LABWARDEN_RUN_URL: 'https://example.invalid/runs/1',
        },
      });
    };
    const first = await watchdog('failure', '2026-11-22T10:00:00Z');
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('watchdog alerted (discord-webhook): failing reconcile workflow\n');
    expect(first.code).toBe(0);
    expect(webhooks()).toHaveLength(1);
    expect(webhooks()[0]!.body.content).toBe('**labwarden watchdog** (reconciler): 1 failing');
    expect(webhooks()[0]!.body.embeds[0].description).toBe('step failed\\: reconcile\nsince 2026-11-22T10:00:00Z');
    expect(webhooks()[0]!.body.embeds[0].url).toBe('https://example.invalid/runs/1');
    expect(webhooks()[0]!.body.allowed_mentions).toEqual({ parse: [] });
    // The episode lives on a single-commit branch, never on main.
    expect(await git(remote.url, 'rev-list', '--count', 'labwarden/watchdog/reconciler')).toBe('1');
    expect(await git(remote.url, 'log', '--format=%s', 'main')).toBe('seed');

    for (const at of ['2026-11-22T10:10:00Z', '2026-11-22T10:20:00Z']) {
      const again = await watchdog('failure', at);
      expect(again.stdout).toBe('watchdog: 1 failing (already alerted)\n');
    }
    expect(webhooks()).toHaveLength(1);

    const recovered = await watchdog('success', '2026-11-22T10:30:00Z');
    expect(recovered.stdout).toBe('watchdog alerted (discord-webhook): recovered reconcile workflow\n');
    expect(webhooks()).toHaveLength(2);
    expect(webhooks()[1]!.body.embeds[0].title).toBe('Recovered: reconcile workflow');
    expect(webhooks()[1]!.body.embeds[0].description).toBe('working again\nfailing since 2026-11-22T10:00:00Z');
    expect((await watchdog('success', '2026-11-22T10:40:00Z')).stdout).toBe('watchdog (reconciler): all well\n');
    expect(webhooks()).toHaveLength(2);
    expect(await git(remote.url, 'rev-list', '--count', 'labwarden/watchdog/reconciler')).toBe('1');
    expect(discord.unexpected).toEqual([]);
  });

  it('when the remote itself fails, the state cannot be kept there: every run alerts (loud, never silent)', async () => {
    const remote = await makeRemote(SMALL);
    const dirs = [await remote.clone(), await remote.clone()];
    await rename(remote.url, `${remote.url}.gone`);
    for (const dir of dirs) {
      const result = await runCli(['watchdog', '--repo', dir, '--now', NOW, '--job-status', 'failure'], { env: env() });
      expect(result.stdout).toBe('watchdog alerted (discord-webhook): failing reconcile workflow\n');
      expect(result.stderr).toMatch(
        /^warning: watchdog state not read from origin: fetch of labwarden\/watchdog\/reconciler from origin failed\nwarning: watchdog state not pushed to origin: push of refs\/heads\/labwarden\/watchdog\/reconciler to origin failed\n$/,
      );
    }
    expect(webhooks()).toHaveLength(2);
  });

  it('an alert Discord refuses is not remembered: exit 4, and the next run sends it', async () => {
    const remote = await makeRemote(SMALL);
    const dir = await remote.clone();
    discord.script('POST', /\/webhooks\//, { status: 401, body: { message: '401: Unauthorized', code: 0 } });
    const refused = await runCli(['watchdog', '--repo', dir, '--now', NOW, '--job-status', 'failure', '--no-remote'], {
      env: env(),
    });
    expect(refused.code).toBe(4);
    expect(refused.stdout).toMatch(
      /^watchdog alert NOT delivered \(discord-webhook: Discord refused the message: 401 .*\): failing reconcile workflow\n$/,
    );
    const retried = await runCli(['watchdog', '--repo', dir, '--now', NOW, '--job-status', 'failure', '--no-remote'], {
      env: env(),
    });
    expect(retried.code).toBe(0);
    expect(webhooks()).toHaveLength(1);
    expect(
      JSON.parse(await readFile(path.join(dir, '.labwarden/watchdog/reconciler.json'), 'utf8')).failing.cycle.since,
    ).toBe(NOW);
  });

  it('reports stale observers from the status the reconcile wrote, once', async () => {
    const remote = await makeRemote(await demoFiles());
    const dir = await remote.clone();
    const run = () =>
      runCli(['watchdog', '--repo', dir, '--now', NOW, '--job-status', 'success', '--no-remote'], { env: env() });
    expect((await run()).stdout).toBe('watchdog alerted (discord-webhook): failing observer of pi\n');
    expect(webhooks()[0]!.body.embeds[0].description).toMatch(
      /^not seen since 2026\\-11\\-22T\d\d\\:\d\d\\:\d\dZ \\\(stale after 15m\\\)\nsince 2026-11-22T10:05:00Z$/,
    );
    expect((await run()).stdout).toBe('watchdog: 1 failing (already alerted)\n');
    expect(webhooks()).toHaveLength(1);
  });

  it('a broken policy is located and alerted (the alert of last resort stays loud), never a silent fall-back', async () => {
    const remote = await makeRemote({ ...(await demoFiles()), 'inventory/policy.yaml': 'stale_after: soon\n' });
    const dir = await remote.clone();
    const result = await runCli(['watchdog', '--repo', dir, '--now', NOW, '--job-status', 'failure', '--no-remote'], {
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/inventory\/policy\.yaml:1:\d+ /);
    expect(result.stderr).toContain('warning: 1 problem in inventory/policy.yaml');
    const [alert] = webhooks();
    const embeds = (alert!.body as { embeds: { title: string; description: string }[] }).embeds;
    expect(embeds.find((embed) => embed.title === 'Failing: problems in the repo')?.description).toContain(
      'found "soon"',
    );
    expect(JSON.stringify(alert!.body)).toContain('reconcile workflow');
  });
});

describe('labwarden run: the runner watches itself', () => {
  it('a refused push alerts once over several cycles, and once when pushing works again', async () => {
    const remote = await makeRemote(SMALL);
    const dir = await remote.clone();
    const once = async () => {
      await beat(dir, ['nas'], formatTime(Date.now()));
      return runCli(['run', '--repo', dir, '--once', '--no-notify'], { env: env() });
    };
    expect((await once()).code).toBe(0);
    expect(webhooks()).toHaveLength(0);
    // A local commit waits to be pushed while the remote is gone.
    await writeFile(
      path.join(dir, 'world/nodes/nas.yaml'),
      SMALL['world/nodes/nas.yaml'].replace('10:00:00Z', '10:01:00Z'),
    );
    await git(dir, 'commit', '-qam', 'observe: nas');
    await rename(remote.url, `${remote.url}.gone`);
    const failed = [await once(), await once(), await once()];
    for (const result of failed) {
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^\S+ error remote_unreachable: cannot reach remote origin\./);
    }
    expect(failed[0]!.stdout).toMatch(/; watchdog alerted \(discord-webhook\): failing labwarden run cycle\n$/);
    expect(failed[1]!.stdout).toMatch(/; watchdog: 1 failing \(already alerted\)\n$/);
    expect(webhooks()).toHaveLength(1);
    expect(webhooks()[0]!.body.embeds[0].description).toMatch(
      /^error remote\\_unreachable\\: cannot reach remote origin\. Commit [0-9a-f]{7} is kept locally\.\nsince /,
    );

    await rename(`${remote.url}.gone`, remote.url);
    const back = await once();
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/; watchdog alerted \(discord-webhook\): recovered labwarden run cycle\n$/);
    expect(webhooks()).toHaveLength(2);
    expect((await git(remote.url, 'log', '--format=%s', 'main')).split('\n')).toContain('observe: nas');
    expect((await once()).stdout).not.toContain('watchdog');
    expect(webhooks()).toHaveLength(2);
  });

  it('run --notify commits and pushes chronicle/notifications.jsonl with the reconcile', async () => {
    const remote = await makeRemote(await demoFiles());
    const dir = await remote.clone();
    await beat(dir, ['apps', 'backup', 'gateway', 'media', 'pi', 'storage'], formatTime(Date.now()));
    const result = await runCli(['run', '--repo', dir, '--once'], { env: env() });
    expect(result.stdout).toMatch(
      /; notify \(discord-webhook\): 1 delivered, 0 pending, 0 refused, committed [0-9a-f]{7} "notify: 1 delivered"; pushed \(1 attempt\)\n$/,
    );
    expect(result.code).toBe(0);
    expect(await git(remote.url, 'log', '--format=%s', '-1', 'main')).toBe('notify: 1 delivered');
    expect(await git(remote.url, 'show', '--name-only', '--format=', 'main')).toBe('chronicle/notifications.jsonl');
    expect(await git(dir, 'status', '--porcelain')).toBe('');
    // The next run remembers what was sent: nothing new goes out, nothing is committed.
    const sent = webhooks().length;
    const again = await runCli(['run', '--repo', dir, '--once'], { env: env() });
    expect(again.stdout).toMatch(
      /notify \(discord-webhook\): 0 delivered, 0 pending, 0 refused, notifications unchanged; nothing to push\n$/,
    );
    expect(webhooks()).toHaveLength(sent);
  });
});

describe('labwarden observe: commit, push, and the dead-man switch', () => {
  it('observe --push commits only the world file; a stale reconciler heartbeat alerts once, and once when it is back', async () => {
    // The snapshot says offline: observing (no services) writes a new one.
    const remote = await makeRemote({
      ...SMALL,
      'world/nodes/nas.yaml': SMALL['world/nodes/nas.yaml'].replace('online', 'offline'),
    });
    const reconciler = await remote.clone();
    const observer = await remote.clone();
    // The reconciler beat at 10:00 (labwarden/heartbeat/_reconciler on the remote).
    expect((await runCli(['reconcile', '--repo', reconciler, '--now', '2026-11-22T10:00:00Z', '--push'])).code).toBe(0);
    await writeFile(path.join(observer, 'scratch.txt'), 'not the observer’s\n');
    const observe = (at: string) =>
      runCli(['observe', '--repo', observer, '--node', 'nas', '--now', at, '--push'], { env: env() });

    // The observer's clone is behind the reconciler's push: its first push is rejected, it rebases.
    const fresh = await observe('2026-11-22T10:20:00Z');
    expect(fresh.stderr).toBe('');
    expect(fresh.stdout).toMatch(
      /^nas: 0 probes, no services; world\/nodes\/nas.yaml written\ncommitted [0-9a-f]{7} "observe: nas"; pushed \(2 attempts\)\n$/,
    );
    expect(await git(remote.url, 'show', '--name-only', '--format=%s', 'main')).toBe(
      'observe: nas\n\nworld/nodes/nas.yaml',
    );
    expect(webhooks()).toHaveLength(0);

    const stale = await observe('2026-11-22T10:31:00Z');
    expect(stale.stdout).toMatch(/watchdog alerted \(discord-webhook\): failing reconciler\n$/);
    expect(webhooks()).toHaveLength(1);
    expect(webhooks()[0]!.body.content).toBe('**labwarden watchdog** (observer-nas): 1 failing');
    expect(webhooks()[0]!.body.embeds[0].description).toBe(
      'no successful reconcile since 2026\\-11\\-22T10\\:00\\:00Z \\(stale after 30m\\)\nsince 2026-11-22T10:31:00Z',
    );
    expect((await observe('2026-11-22T10:41:00Z')).stdout).toMatch(/\nwatchdog: 1 failing \(already alerted\)\n$/);
    expect(webhooks()).toHaveLength(1);

    expect((await runCli(['reconcile', '--repo', reconciler, '--now', '2026-11-22T10:45:00Z', '--push'])).code).toBe(0);
    const back = await observe('2026-11-22T10:46:00Z');
    expect(back.stdout).toMatch(/watchdog alerted \(discord-webhook\): recovered reconciler\n$/);
    expect(webhooks()).toHaveLength(2);
    expect(await git(observer, 'status', '--porcelain')).toBe('?? scratch.txt');
    expect(discord.unexpected).toEqual([]);
  });

  it('a plain reconcile leaves the reconciler heartbeat locally (git-ignored), a dry run does not', async () => {
    const remote = await makeRemote(SMALL);
    const dir = await remote.clone();
    const file = path.join(dir, '.labwarden/heartbeats/_reconciler.json');
    expect((await runCli(['reconcile', '--repo', dir, '--now', NOW, '--dry-run'])).code).toBe(0);
    await expect(readFile(file, 'utf8')).rejects.toThrow();
    expect((await runCli(['reconcile', '--repo', dir, '--now', NOW])).code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(`{"node":"_reconciler","seen_at":"${NOW}"}\n`);
    expect(await git(dir, 'status', '--porcelain', '--ignored', '.labwarden')).toBe('!! .labwarden/');
  });

  it('observe --commit refuses unrelated tracked changes before probing', async () => {
    const remote = await makeRemote({ ...SMALL, 'notes.md': 'x\n' });
    const dir = await remote.clone();
    await writeFile(path.join(dir, 'notes.md'), 'changed\n');
    const result = await runCli(['observe', '--repo', dir, '--node', 'nas', '--now', NOW, '--commit']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('notes.md');
    expect(await readFile(path.join(dir, 'world/nodes/nas.yaml'), 'utf8')).toBe(SMALL['world/nodes/nas.yaml']);
  });
});
