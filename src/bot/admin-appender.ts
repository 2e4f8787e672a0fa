import { appendAdminEvent } from '../maintenance/append.js';

/**
 * The admin-event append function shared with the CLI (`labwarden maintenance ...`).
 * Owned by the maintenance module (src/maintenance/append.ts); the bot takes it as a parameter.
 */
export interface AdminEventInput {
  actor: string;
  action:
    | 'enter_maintenance'
    | 'exit_maintenance'
    | 'drain'
    | 'cordon'
    | 'uncordon'
    | 'silence'
    | 'unsilence'
    | 'ack'
    | 'approve_remediation'
    | 'pause_remediation'
    | 'resume_remediation';
  node?: string;
  reason?: string;
  until?: string;
  matcher?: { node?: string; service?: string; fingerprint?: string };
  fingerprint?: string;
  /** approve_remediation: the skill approved. */
  skill?: string;
}

export interface AdminAppendResult {
  event: Record<string, unknown>;
  changed: boolean;
  message: string;
}

export type AdminAppender = (
  repo: string,
  input: AdminEventInput,
  options: { now: number },
) => Promise<AdminAppendResult>;

/** The appender the bot uses: `appendAdminEvent`, the CLI's own (src/maintenance/append.ts). */
export const defaultAppender: AdminAppender = appendAdminEvent;
