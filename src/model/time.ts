import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';

/** RFC 3339 timestamp with an explicit zone, as observers and the chronicle write them. */
export const Timestamp = z.iso.datetime({
  offset: true,
  message: 'an RFC 3339 timestamp such as 2026-11-22T10:00:00Z',
});

export { formatDuration, formatTime, parseDuration, parseTime } from './duration.js';

/** A duration as written in policy (`15m`, `1h30m`, or seconds), parsed to milliseconds. */
export const Duration = z
  .union([
    z.string().regex(DURATION_PATTERN, { message: 'a duration such as 30s, 15m, 1h30m or 2d' }),
    z.number().nonnegative(),
  ])
  .transform(parseDuration);
