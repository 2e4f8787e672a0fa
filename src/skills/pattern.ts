/**
 * Matches a failure-mode pattern (`*` any run, `?` one character; everything else literal,
 * case-insensitive) anywhere in `text`. The classic two-pointer wildcard match: no
 * backtracking explosion, at worst pattern length × text length, and both are bounded
 * (src/model/skill.ts, src/model/limits.ts). A homelab's pattern never becomes a RegExp.
 */
export function matchesPattern(pattern: string, text: string): boolean {
  return matchesLowered(pattern.toLowerCase(), text.toLowerCase());
}

/** `matchesPattern` for a pattern and text already in lower case (a reason is lowered once for every skill). */
export function matchesLowered(pattern: string, text: string): boolean {
  const p = `*${pattern}*`;
  const t = text;
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === t[ti]))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** How specific a pattern is: its literal characters. */
export function literalLength(pattern: string): number {
  return pattern.replace(/[*?]/g, '').length;
}
