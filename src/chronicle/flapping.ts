/**
 * Flapping as Icinga 2 operators know it: the last 20 samples, each counting as a change
 * when the drift opened or cleared in it, weighted 0.8 (oldest) to 1.15 (newest). A sample
 * is a fixed slot of time aligned to the epoch, not a run: runs are not recorded, and a
 * late run must reach the same verdict as a timely one.
 */
export const FLAPPING_SAMPLES = 20;

const WEIGHTS = Array.from({ length: FLAPPING_SAMPLES }, (_, i) => 0.8 + (0.35 * i) / (FLAPPING_SAMPLES - 1));
const WEIGHT_SUM = WEIGHTS.reduce((sum, w) => sum + w, 0);

/** Weighted percent of samples with a state change, over the 20 samples ending with the one holding `at`. */
export function flappingPercent(changes: readonly number[], at: number, sample: number): number {
  const newest = Math.floor(at / sample);
  const oldest = newest - FLAPPING_SAMPLES + 1;
  const changed = new Set<number>();
  for (const time of changes) {
    if (time > at) continue;
    const slot = Math.floor(time / sample);
    if (slot >= oldest) changed.add(slot);
  }
  let weighted = 0;
  for (const slot of changed) weighted += WEIGHTS[slot - oldest]!;
  return (100 * weighted) / WEIGHT_SUM;
}

/** The first sample boundary after the last change at which the percentage drops below `low`. */
export function stableAt(changes: readonly number[], sample: number, low: number): number {
  const last = changes.reduce((max, at) => Math.max(max, at), -Infinity);
  const start = Math.floor(last / sample) + 1;
  for (let slot = start; slot <= start + FLAPPING_SAMPLES; slot++) {
    const at = slot * sample;
    if (flappingPercent(changes, at, sample) < low) return at;
  }
  return (start + FLAPPING_SAMPLES) * sample;
}
