import { appendFile, readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';

/**
 * The runner's side of a JavaScript action, without @actions/core: inputs arrive as
 * INPUT_<NAME> environment variables (upper-cased, spaces as `_`, hyphens kept), outputs and
 * the job summary are files named by GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. GitHub, Forgejo
 * and Gitea runners (act) all use this protocol.
 */
export interface RunnerContext {
  env: Readonly<Record<string, string | undefined>>;
  /** One line to the log (stdout). */
  log: (line: string) => void;
}

export function input(context: RunnerContext, name: string, fallback = ''): string {
  const value = context.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

/** Appends `name=value` in the heredoc form, so a value may hold newlines. */
export async function setOutputs(context: RunnerContext, outputs: Record<string, string>): Promise<void> {
  const file = context.env.GITHUB_OUTPUT;
  // Run by hand (no runner): there is nobody to read outputs.
  if (!file) return;
  const delimiter = `labwarden_${randomUUID()}`;
  // One write per step: whole lines, never a half output another reader could see.
  await appendFile(
    file,
    Object.entries(outputs)
      .map(([name, value]) => `${name}<<${delimiter}\n${value}\n${delimiter}\n`)
      .join(''),
  );
}

export async function appendSummary(context: RunnerContext, markdown: string): Promise<void> {
  const file = context.env.GITHUB_STEP_SUMMARY;
  if (file) await appendFile(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}

/** `::warning::` / `::error::` / `::notice::` annotations; both GitHub and act render them. */
export function annotate(
  context: RunnerContext,
  level: 'notice' | 'warning' | 'error',
  message: string,
  file?: string,
): void {
  const escaped = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  context.log(`::${level}${file ? ` file=${file}` : ''}::${escaped}`);
}

export interface EventInfo {
  name: string;
  defaultBranch?: string;
  /** Files a push touched, or undefined when the payload does not list them (then assume any). */
  pushedFiles?: string[];
}

/** What the run's event says; GITHUB_EVENT_PATH holds the webhook payload on both forges. */
export async function readEvent(context: RunnerContext): Promise<EventInfo> {
  const name = context.env.GITHUB_EVENT_NAME ?? '';
  const file = context.env.GITHUB_EVENT_PATH;
  let payload: {
    repository?: { default_branch?: string };
    commits?: { added?: string[]; modified?: string[]; removed?: string[] }[];
  } = {};
  if (file) payload = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as typeof payload;
  const commits = payload.commits;
  // A push payload lists at most 2048 commits, and some forges omit the file lists: when
  // anything is missing, count the push as touching everything (a rebuild too many, never one too few).
  const listed =
    name === 'push' &&
    Array.isArray(commits) &&
    commits.length > 0 &&
    commits.every(
      (commit) => Array.isArray(commit.added) && Array.isArray(commit.modified) && Array.isArray(commit.removed),
    );
  return {
    name,
    defaultBranch: payload.repository?.default_branch,
    pushedFiles: listed
      ? commits!.flatMap((commit) => [...commit.added!, ...commit.modified!, ...commit.removed!])
      : undefined,
  };
}
