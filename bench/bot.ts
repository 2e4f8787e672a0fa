// Interaction → pushed commit, as an operator waits for it: `npm run bench:bot [-- --commands 20]`.
// A real discord.js client (interactions emitted from raw payloads, as the tests do) against the
// REST stand-in, a homelab clone with a local bare remote, /cordon and /uncordon alternating on
// one node (each one appends, commits and pushes). Reports p50/p95 from the interaction to the
// edited reply (by then the commit is on the remote), and the git processes each command spawns,
// counted by a `git` shim first on PATH. Compare within one run; say the machine's load.
import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const commands = Number(process.argv[process.argv.indexOf('--commands') + 1]) || 20;

// The shim must be on PATH before anything spawns git.
const shimDir = await mkdtemp(path.join(os.tmpdir(), 'labwarden-gitshim-'));
const countFile = path.join(shimDir, 'count');
const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
await writeFile(countFile, '');
await writeFile(
  path.join(shimDir, 'git'),
  // Logs the subcommand (the first argument after the `-c key=value` pairs), then runs git.
  `#!/bin/sh\nsub=""\nskip=0\nfor a in "$@"; do\n  if [ $skip = 1 ]; then skip=0; continue; fi\n  if [ "$a" = "-c" ]; then skip=1; continue; fi\n  sub="$a"; break\ndone\necho "$sub" >> "${countFile}"\nexec "${realGit}" "$@"\n`,
);
await chmod(path.join(shimDir, 'git'), 0o755);
process.env.PATH = `${shimDir}:${process.env.PATH}`;

const { defaultAppender } = await import('../src/bot/admin-appender.js');
const { repoGitOps } = await import('../src/bot/persist.js');
const { botConfig, createBotClient } = await import('../src/bot/run.js');
const { DiscordStandIn } = await import('../test/helpers/discord-stand-in.js');
const { ALICE, APP, chatInput, clonedHomelab, emitter, GUILD, until } =
  await import('../test/helpers/discord-interactions.js');
const { cleanupRepos } = await import('../test/helpers/repo.js');

const discord = await new DiscordStandIn().start();
const repo = await clonedHomelab();
const config = botConfig({
  DISCORD_TOKEN: 'bot-token',
  DISCORD_APPLICATION_ID: APP,
  DISCORD_GUILD_ID: GUILD,
  DISCORD_API_URL: discord.api,
});
const client = createBotClient(config, {
  repo,
  appender: defaultAppender,
  git: repoGitOps(repo),
  now: () => Date.now(),
  log: () => undefined,
});
const emit = emitter(client, discord);

const gitCalls = async () => (await readFile(countFile, 'utf8')).split('\n').filter(Boolean);
const times: number[] = [];
const perCommand: number[] = [];
const bySubcommand = new Map<string, number>();
try {
  for (let index = 0; index <= commands; index++) {
    const id = String(8_000_000_000_000_000_000n + BigInt(index));
    const before = (await gitCalls()).length;
    const started = performance.now();
    emit(
      chatInput(id, { id: ALICE, name: 'alice' }, index % 2 === 0 ? 'cordon' : 'uncordon', [
        { type: 3, name: 'node', value: 'media' },
      ]),
    );
    await until(
      () => discord.requests.some((request) => request.method === 'PATCH' && request.path.includes(`tok-${id}`)),
      60_000,
    );
    const elapsed = performance.now() - started;
    const reply = discord.requests.find((request) => request.method === 'PATCH' && request.path.includes(`tok-${id}`))!
      .body.content as string;
    if (!/\nCommitted [0-9a-f]{12} as alice\.$/.test(reply))
      throw new Error(`command ${index} pushed nothing: ${reply}`);
    const calls = (await gitCalls()).slice(before);
    if (index === 0) continue; // warm-up: discord.js and the modules load
    times.push(elapsed);
    perCommand.push(calls.length);
    for (const call of calls) bySubcommand.set(call, (bySubcommand.get(call) ?? 0) + 1);
  }
} finally {
  await client.destroy();
  await discord.stop();
  await cleanupRepos();
  await rm(shimDir, { recursive: true, force: true });
}

const sorted = [...times].sort((a, b) => a - b);
const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const load = os
  .loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');
console.log(
  `bot: interaction → pushed commit, ${times.length} commands (/cordon, /uncordon alternating), ${os.cpus().length} cores, load ${load}`,
);
console.log(
  `  p50 ${quantile(0.5).toFixed(0)} ms, p95 ${quantile(0.95).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`,
);
console.log(
  `  git processes per command: ${Math.min(...perCommand)}-${Math.max(...perCommand)} (median ${[...perCommand].sort((a, b) => a - b)[Math.floor(perCommand.length / 2)]})`,
);
const per = [...bySubcommand]
  .sort((a, b) => b[1] - a[1])
  .map(([sub, count]) => `${sub} ${(count / times.length).toFixed(1)}`);
console.log(`  by subcommand (per command): ${per.join(', ')}`);
