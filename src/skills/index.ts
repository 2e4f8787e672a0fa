export { BUILTIN_SKILLS } from './builtin.js';
export { builtinSkills, loadSkills, SKILLS_DIR, type SkillCatalogue } from './load.js';
export { factsFor, matchSkills, runbookFor, sameVersionFailures, type MatchFacts, type Runbook } from './match.js';
export { matchesPattern } from './pattern.js';
export { findRecommendation, guardrailInputs, loadSkillContext, readStatus, type SkillContext } from './context.js';
export { runbooksFor } from './runbooks.js';
export { decideRemediation, foldApprovals, mayApprove, type Approval, type Decision } from './guardrails.js';
