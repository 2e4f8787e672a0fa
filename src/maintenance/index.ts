export { appendAdminEvent, type AdminRequest, type AppendOutcome } from './append.js';
export {
  ADMIN_FILE,
  GENESIS,
  foldAdminEvents,
  formatAdminLine,
  hashLine,
  type AdminChain,
  type ChainBreak,
} from './chain.js';
export {
  deriveNodeStates,
  describeDrain,
  foldIntents,
  suppressesDrift,
  type MaintenanceView,
  type NodeIntent,
} from './state.js';
export { applyMaintenance, type MaintenanceOutcome } from './apply.js';
export { adminChainReport, maintenanceStates, maintenanceViews } from './from-model.js';
export { activeSilences, acknowledgements, isSilenced, sameMatcher, type Silence } from './silences.js';
