/**
 * .gitattributes for a homelab repo. Append-only JSON Lines written by several writers merge
 * by union: both sides' lines are kept. Union collapses identical lines and may reorder them,
 * so every line carries a unique id and readers sort. admin.jsonl is NOT listed: it is hash-
 * chained, and a union would chain two events onto one `prev`; its writers reset to the remote
 * and re-append instead (converge.ts: the chain is re-chained on the remote's tail).
 */
export const GITATTRIBUTES = `# labwarden: append-only chronicle files merge by keeping every line (see src/git/attributes.ts)
chronicle/incidents.jsonl merge=union
chronicle/notifications.jsonl merge=union
`;
