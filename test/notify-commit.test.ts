import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordStandIn, WEBHOOK_URL } from './helpers/discord-stand-in.js';
import { demoFiles, git, makeRemote } from './helpers/git.js';
import { cleanupRepos, runCli } from './helpers/repo.js';

let discord: DiscordStandIn;
beforeAll(async () => {
  discord = await new DiscordStandIn().start();
});
afterAll(async () => {
  await discord.stop();
  await cleanupRepos();
});

const NOW = '2026-11-22T10:05:00Z';

describe('notify --commit / --push (what reconcile.yml runs)', () => {
  it('pushes chronicle/notifications.jsonl and nothing else, rebasing onto a moved remote; a rerun in a fresh clone sends nothing again', async () => {
    const remote = await makeRemote(await demoFiles());
    const dir = await remote.clone();
    // Another writer moves main first: the push is rejected once, rebased, and retried.
    const other = await remote.clone();
    await git(other, 'rm', '-q', 'world/nodes/pi.yaml');
    await git(other, 'commit', '-qm', 'pi gone');
    await git(other, 'push', '-q');
    const env = { DISCORD_WEBHOOK_URL: WEBHOOK_URL, DISCORD_API_URL: discord.api };
    const result = await runCli(['notify', '--repo', dir, '--now', NOW, '--push'], { env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^notify \(discord-webhook\): 1 delivered, 0 pending, 0 refused; \d+ decisions logged\ncommitted [0-9a-f]{7} "notify: 1 delivered"; pushed \(2 attempts\)\n$/,
    );
    expect(await git(remote.url, 'log', '--format=%s', '-2', 'main')).toBe('notify: 1 delivered\npi gone');
    expect(await git(remote.url, 'show', '--name-only', '--format=', 'main')).toBe('chronicle/notifications.jsonl');
    expect(discord.accepted(/\/webhooks\//)).toHaveLength(1);

    const fresh = await remote.clone();
    const again = await runCli(['notify', '--repo', fresh, '--now', NOW, '--push'], { env });
    expect(again.stdout).toMatch(
      /^notify \(discord-webhook\): 0 delivered, 0 pending, 0 refused; 0 decisions logged\nnotifications unchanged; nothing to push\n$/,
    );
    expect(discord.accepted(/\/webhooks\//)).toHaveLength(1);
    expect(discord.unexpected).toEqual([]);
  });

  it('refuses --dry-run with --push, and a dirty tree before sending anything', async () => {
    const remote = await makeRemote(await demoFiles());
    const dir = await remote.clone();
    expect((await runCli(['notify', '--repo', dir, '--dry-run', '--push'])).code).toBe(2);
    await git(dir, 'rm', '-q', '--cached', 'world/nodes/pi.yaml');
    const before = discord.requests.length;
    const dirty = await runCli(['notify', '--repo', dir, '--now', NOW, '--push'], {
      env: { DISCORD_WEBHOOK_URL: WEBHOOK_URL, DISCORD_API_URL: discord.api },
    });
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toContain('world/nodes/pi.yaml');
    expect(discord.requests).toHaveLength(before);
  });
});
