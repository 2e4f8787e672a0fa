import { hashHex } from './log-line.js';

/**
 * Discord caps a button's custom_id and an autocomplete value at 100 characters, but a
 * fingerprint of two 63-character names and a drift reaches ~150. Where it does not fit, the
 * fingerprint travels as this reference and is resolved back through the open incidents.
 * 20 hex characters (80 bits): a collision among one homelab's open incidents is not a risk.
 * The `#` cannot occur in a fingerprint (names are [a-z0-9-], drifts snake_case).
 */
export function fingerprintRef(fingerprint: string): string {
  return `#${hashHex(fingerprint, 20)}`;
}

/** The fingerprint `value` names: itself, or the one whose reference it is. */
export function resolveFingerprint<T extends { fingerprint: string }>(
  value: string,
  candidates: readonly T[],
): T | undefined {
  return (
    candidates.find((candidate) => candidate.fingerprint === value) ??
    (value.startsWith('#')
      ? candidates.find((candidate) => fingerprintRef(candidate.fingerprint) === value)
      : undefined)
  );
}
