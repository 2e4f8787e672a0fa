// The observer's defaults, without its dependencies: `labwarden observe --help` shows them.
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_TIMEOUT_MS = 5_000;
