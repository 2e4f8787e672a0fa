// Pure time helpers with no dependencies: the CLI parses flags with them before loading the model.

/** Canonical UTC form without milliseconds when they are zero: 2026-11-22T10:00:00Z. */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

export function parseTime(value: string): number {
  return Date.parse(value);
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
/** `30s`, `15m`, `1h30m`, `2d`: units ms, s, m, h, d, w, largest first or not. */
export const DURATION_PATTERN = /^(\d+(ms|s|m|h|d|w))+$/;

/** Parses `90s`, `15m`, `1h30m`, `2d`; a bare number means seconds. Returns milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return value * 1000;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return total;
}

const UNITS = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
] as const;

/** Whole seconds as `1d2h3m4s` parts, largest first. */
function durationParts(seconds: number): string[] {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts;
}

/** Rounded to the two largest units, for people: 5400000 → `1h30m`, 90061000 → `1d1h`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  return (
    durationParts(Math.round(ms / 1000))
      .slice(0, 2)
      .join('') || '0s'
  );
}

/**
 * A duration typed by a person (a flag, an environment variable), in policy.yaml's syntax:
 * `30s`, `5m`, `1h30m`, `2d`, or a bare number of seconds. Undefined when it is none of these.
 */
export function readDuration(value: string): number | undefined {
  if (DURATION_PATTERN.test(value)) return parseDuration(value);
  if (/^\d+(\.\d+)?$/.test(value)) return parseDuration(Number(value));
  return undefined;
}

/** Milliseconds in that syntax, exactly (`readDuration` gives them back): 5000 → `5s`, 5400000 → `1h30m`. */
export function formatDurationExact(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  return durationParts(ms / 1000).join('') || '0s';
}
