/** The one JSON Lines reader lives with the repo reader (src/repo/jsonl.ts); re-exported for existing callers. */
export { parseJsonLines, type ParsedJsonLines } from '../repo/jsonl.js';
