export { readRepoSources } from './read.js';
export { buildRepoModel, type RepoModel, type RepoSources } from './model.js';
export { parseSource, parseData, Locator, type SourceFile } from './source.js';
export { policyOf, readPolicy, POLICY_FILE } from './policy.js';
export { ParseCache } from './parse-cache.js';
export { loadParseCache, saveParseCache } from './parse-cache-store.js';
export { parseJsonLines, type ParsedJsonLines } from './jsonl.js';
export { chronicleFile, type ChronicleLines } from './chronicle-check.js';
