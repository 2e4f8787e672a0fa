// Shared by the build (times relative to the data's reference time, so the same inputs give the
// same pages) and the browser (the same words, against the reader's clock, refreshed while open).

const UNITS: [number, string, string][] = [
  [86_400_000, 'day', 'days'],
  [3_600_000, 'h', 'h'],
  [60_000, 'min', 'min'],
];

/** `3 min ago`, `2 h ago`, `5 days ago`, `in 20 min`, `just now`. */
export function relative(ms: number, reference: number): string {
  const delta = reference - ms;
  const size = Math.abs(delta);
  if (size < 60_000) return 'just now';
  for (const [unit, one, many] of UNITS) {
    if (size < unit) continue;
    const n = Math.floor(size / unit);
    const text = `${n} ${n === 1 ? one : many}`;
    return delta >= 0 ? `${text} ago` : `in ${text}`;
  }
  return 'just now';
}
