import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/generate.js';
import { foldAdminEvents } from '../../src/maintenance/chain.js';
import { demoFiles, git, makeRemote } from '../helpers/git.js';
import { CLI, cleanupRepos, PROJECT_ROOT, runCli, tempDir } from '../helpers/repo.js';

afterAll(cleanupRepos);

/** Seconds of racing (LABWARDEN_RACE_SECONDS); the issue asks for 3 minutes, the default keeps the suite short. */
const SECONDS = Number(process.env.LABWARDEN_RACE_SECONDS ?? 90);
const WRITERS = 10;
/** Fewer clones than writers: some writers share a checkout, as the runner and the bot do. */
const CLONES = 7;
const NODES = ['apps', 'backup', 'gateway', 'media', 'pi', 'storage'];

interface Run {
  code: number | null;
  killed: boolean;
  stdout: string;
  stderr: string;
}

/** Starts a command and, when `killAfter` is set, SIGKILLs the node process then (its git children finish as orphans). */
function start(args: string[], killAfter?: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', LABWARDEN_LOCK_WAIT: '10m' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let killed = false;
    const timer =
      killAfter === undefined
        ? undefined
        : setTimeout(() => {
            killed = true;
            child.kill('SIGKILL');
          }, killAfter);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, killed: killed && code === null, stdout, stderr });
    });
  });
}

/** A bot-style append: the bot's own git ops (repo lock, pull, append, commit as the user, push). */
async function botScript(dir: string): Promise<string> {
  const file = path.join(dir, 'bot-append.mjs');
  const dist = (name: string) => JSON.stringify(path.join(PROJECT_ROOT, 'dist', name));
  await writeFile(
    file,
    `import { repoGitOps } from ${dist('bot/persist.js')};
import { appendAdminEvent } from ${dist('maintenance/append.js')};
import { findFinalEvent } from ${dist('maintenance/final-seq.js')};
const [repo, node, reason] = process.argv.slice(2);
const ops = repoGitOps(repo);
await ops.exclusive(async () => {
  await ops.pull();
  const now = Date.now();
  const until = new Date(now + 3_600_000).toISOString();
  const result = await appendAdminEvent(repo, { actor: 'discord-bot', action: 'silence', matcher: { node }, until, reason }, { now });
  if (!result.changed) return;
  await ops.commit('admin: silence ' + node, { id: '42', name: 'bot' });
  const final = await findFinalEvent(repo, result.event);
  console.log('recorded ' + reason + ' as seq ' + final.seq);
});
`,
  );
  return file;
}

describe(`${WRITERS} writers racing on one remote with random kill -9 (${SECONDS}s)`, () => {
  it(
    'every acknowledged event is on the remote exactly once, the chain valid and in time order, no clone wedged',
    async () => {
      const remote = await makeRemote(await demoFiles());
      const clones = await Promise.all(Array.from({ length: CLONES }, () => remote.clone()));
      const bot = await botScript(await tempDir());
      const random = seededRandom(16);
      const acknowledged = new Set<string>();
      const counts = { trials: 0, kills: 0, failed: 0, byKind: {} as Record<string, number> };
      const failures: string[] = [];
      const exits: string[] = [];
      const deadline = Date.now() + SECONDS * 1000;
      let serial = 0;

      const writer = async (index: number) => {
        const dir = clones[index % CLONES]!;
        while (Date.now() < deadline) {
          const roll = random();
          const node = NODES[Math.floor(random() * NODES.length)]!;
          const reason = `w${index}-${serial++}`;
          const kind =
            roll < 0.35
              ? 'silence'
              : roll < 0.5
                ? 'cordon'
                : roll < 0.65
                  ? 'bot'
                  : roll < 0.85
                    ? 'reconcile'
                    : 'observe';
          const args =
            kind === 'silence'
              ? [
                  CLI,
                  'silence',
                  '--node',
                  node,
                  '--for',
                  '1h',
                  '--reason',
                  reason,
                  '--actor',
                  `w${index}`,
                  '--repo',
                  dir,
                  '--push',
                ]
              : kind === 'cordon'
                ? [
                    CLI,
                    'maintenance',
                    random() < 0.5 ? 'cordon' : 'uncordon',
                    node,
                    '--reason',
                    reason,
                    '--actor',
                    `w${index}`,
                    '--repo',
                    dir,
                    '--push',
                  ]
                : kind === 'bot'
                  ? [bot, dir, node, reason]
                  : kind === 'reconcile'
                    ? [CLI, 'reconcile', '--repo', dir, '--push']
                    : [CLI, 'observe', '--node', node, '--timeout', '200ms', '--repo', dir, '--push'];
          const kill = random() < 0.3 ? Math.floor(random() * 2500) : undefined;
          const run = await start(args, kill);
          counts.trials++;
          counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
          if (run.killed) counts.kills++;
          // Acknowledged = the operator was told: a `recorded as seq` line reached stdout.
          if (/recorded (as seq|w\d)/.test(run.stdout) && !/nothing to do/.test(run.stdout)) acknowledged.add(reason);
          // Lost races (exit 1: push_rejected) are allowed, a refusal (exit 2) or a crash is not.
          if (!run.killed && run.code !== 0 && !(kind === 'observe' && run.code === 4)) {
            counts.failed++;
            exits.push(`${kind} exit ${run.code}: ${run.stderr.trim().split('\n')[0]}`);
            if (run.code !== 1 || /internal error/.test(run.stderr))
              failures.push(
                `${kind} ${reason}: exit ${run.code}: ${run.stderr.trim().split('\n').slice(0, 2).join(' | ')}`,
              );
          }
        }
      };
      await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));

      // Every clone, in turn, converges with one plain run.
      let wedged = 0;
      const wedges: string[] = [];
      for (const dir of clones) {
        const final = await runCli(['reconcile', '--repo', dir, '--push']);
        const clean = (await git(dir, 'status', '--porcelain')) === '';
        const ahead = Number(await git(dir, 'rev-list', '--count', 'origin/main..HEAD'));
        if (final.code !== 0 || !clean || ahead !== 0) {
          wedged++;
          wedges.push(`${dir}: exit ${final.code} ${final.stderr.trim()} clean=${clean} ahead=${ahead}`);
        }
      }
      const check = await remote.clone();
      const chain = foldAdminEvents(await readFile(path.join(check, 'chronicle/admin.jsonl'), 'utf8'));
      const reasons = chain.events.map((event) => event.reason ?? '');
      const lost = [...acknowledged].filter((reason) => !reasons.includes(reason));
      const duplicated = [...new Set(reasons)].filter(
        (reason) => reason !== '' && reasons.filter((r) => r === reason).length > 1,
      );
      const backwards = chain.events.filter(
        (event, i) => i > 0 && Date.parse(event.at) < Date.parse(chain.events[i - 1]!.at),
      ).length;
      const summary = {
        seconds: SECONDS,
        writers: WRITERS,
        clones: CLONES,
        ...counts,
        acknowledged: acknowledged.size,
        eventsOnRemote: chain.events.length,
        converged: CLONES - wedged,
        eventsLost: lost.length,
        duplicated: duplicated.length,
        backwards,
        wedged,
      };
      console.log(
        `race: ${JSON.stringify(summary)}\nnon-zero exits (exit 1 = a lost race, retried by the next run): ${JSON.stringify(exits)}`,
      );
      expect(failures).toEqual([]);
      expect(wedges).toEqual([]);
      expect(chain.break).toBeUndefined();
      expect(lost).toEqual([]);
      expect(duplicated).toEqual([]);
      expect(backwards).toBe(0);
      expect(counts.kills).toBeGreaterThan(0);
      expect(acknowledged.size).toBeGreaterThan(0);
    },
    (SECONDS + 600) * 1000,
  );
});
