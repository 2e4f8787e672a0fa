/**
 * The admin-event append function shared with the CLI (`labwarden maintenance ...`).
 * Owned by the maintenance module (src/maintenance/append.ts); the bot takes it injected.
 */
export interface AdminEventInput {
  actor: string;
  action: 'enter_maintenance' | 'exit_maintenance' | 'drain' | 'cordon' | 'uncordon' | 'silence' | 'unsilence' | 'ack';
  node?: string;
  reason?: string;
  until?: string;
  matcher?: { node?: string; service?: string; fingerprint?: string };
  fingerprint?: string;
}

export interface AdminAppendResult {
  event: Record<string, unknown>;
  changed: boolean;
  message: string;
}

export type AdminAppender = (repo: string, input: AdminEventInput, options: { now: number }) => Promise<AdminAppendResult>;

/**
 * INJECTION POINT (issue 4): the default appender is `appendAdminEvent` from
 * src/maintenance/append.ts. The specifier is a variable so this compiles before that
 * module lands; until it does, `labwarden bot` says so at startup.
 */
export async function loadDefaultAppender(): Promise<AdminAppender> {
  const specifier = '../maintenance/append.js';
  try {
    const module = (await import(specifier)) as { appendAdminEvent?: AdminAppender };
    if (typeof module.appendAdminEvent === 'function') return module.appendAdminEvent;
  } catch {
    // fall through to the explicit error below
  }
  throw new Error('src/maintenance/append.ts (appendAdminEvent) is not available in this build');
}
