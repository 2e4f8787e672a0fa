import { UserError } from '../errors/problem.js';

export interface EnableWorkflowOptions {
  /** e.g. https://api.github.com (GITHUB_API_URL in Actions; Gitea/Forgejo: <host>/api/v1). */
  apiUrl: string;
  /** owner/name (GITHUB_REPOSITORY). */
  repository: string;
  /** Workflow file name or id, e.g. reconcile.yml. */
  workflow: string;
  token: string;
  fetch?: typeof fetch;
}

/**
 * Re-enables a workflow through the API (PUT …/actions/workflows/<id>/enable). GitHub disables
 * schedules after 60 days without repository activity, which a quiet homelab reaches by design;
 * calling this from the scheduled run keeps it alive without keep-alive commits.
 */
export async function enableWorkflow(options: EnableWorkflowOptions): Promise<number> {
  const url = `${options.apiUrl.replace(/\/+$/, '')}/repos/${options.repository}/actions/workflows/${encodeURIComponent(options.workflow)}/enable`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'labwarden',
      },
    });
  } catch (error) {
    // fetch says only "fetch failed"; the cause (ECONNREFUSED, ENOTFOUND, a TLS error) is what helps.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    throw new UserError(`enabling workflow ${options.workflow} failed: cannot reach ${new URL(url).origin} (${why})`, {
      hint: 'Check GITHUB_API_URL and the network; the next scheduled run tries again.',
      exitCode: 1,
    });
  }
  if (response.status === 204 || response.ok) return response.status;
  const body = (await response.text()).slice(0, 300);
  throw new UserError(`enabling workflow ${options.workflow} failed: HTTP ${response.status} ${body}`, {
    hint:
      response.status === 403 || response.status === 401
        ? 'The job needs `permissions: actions: write` and a token (GITHUB_TOKEN).'
        : 'Check GITHUB_API_URL, GITHUB_REPOSITORY and the workflow file name.',
    exitCode: 1,
  });
}
