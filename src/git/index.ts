export { Git, GitCommandError } from './client.js';
export {
  commitAndPush,
  commitOwned,
  DEFAULT_AUTHOR,
  type Author,
  type CommitAndPushOptions,
  type CommitAndPushResult,
  type Redo,
} from './commit-push.js';
export { classifyRemoteError, GitFailure, GIT_PROBLEMS, type GitProblemCode } from './errors.js';
export { readHeartbeatBranches, pushHeartbeat, HEARTBEAT_PREFIX } from './heartbeat.js';
export { pullFastForward, type PullContext, type PullResult } from './pull.js';
export { preflight, resolveUpstream, type Preflight, type Upstream } from './preflight.js';
export { isUnder } from './paths.js';
export { GITATTRIBUTES } from './attributes.js';
