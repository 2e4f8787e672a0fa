export { discoverServices, execRunner, type Discovery } from './discover.js';
export { mergeServices, renderServicesYaml, SERVICES_SCHEMA_LINE, type MergeResult } from './render.js';
export { DISCOVERY_SOURCES, SOURCE_NAMES, type SourceName } from './sources/index.js';
export type { Candidate, CommandRunner, CommandOutput, DiscoverySource } from './types.js';
export { nodeNameFromHostname, toServiceName } from './names.js';
