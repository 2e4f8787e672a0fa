export { initRepo, parseNodes, readPackageWorkflows, PACKAGE_ROOT, SCAFFOLD_WORKFLOWS, type InitResult } from './init.js';
export { scaffoldFiles, HOST_SCHEMA_LINE, SERVICES_SCHEMA_LINE } from './files.js';
export { policySettings, renderPolicyTemplate } from './policy-template.js';
