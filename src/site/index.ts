export {
  buildSiteModel,
  type SiteInputs,
  type SiteModel,
  type NodeView,
  type ServiceView,
  type SummaryState,
} from './model.js';
export { loadSiteModel, readSiteInputs } from './load.js';
export { renderBadge, SUMMARY_COLOURS } from './badge.js';
export { renderIncidentFeed } from './feed.js';
export { describeBars, type DayBar, type DayState } from './availability.js';
export { formatDuration } from '../model/time.js';
export { buildSite, normalizeBase, SITE_ROOT, type SiteBuildOptions } from './build.js';
