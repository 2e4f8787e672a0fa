export {
  initRepo,
  parseActionRef,
  parseEvery,
  parseNodes,
  packageVersion,
  PACKAGE_ROOT,
  type InitResult,
} from './init.js';
export { addNode } from './add-node.js';
export { nodeFiles, scaffoldFiles, HOST_SCHEMA_LINE, SERVICES_SCHEMA_LINE } from './files.js';
export { policySettings, renderPolicyTemplate } from './policy-template.js';
export {
  defaultActionRef,
  idleMinutesPerMonth,
  renderWorkflows,
  scheduleCron,
  DEFAULT_EVERY,
  FREE_MINUTES,
  KEEPALIVE_CRON,
  PINNED_ACTIONS,
  SCHEDULE_CHOICES,
  type WorkflowOptions,
} from './workflows.js';
