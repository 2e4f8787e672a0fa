/**
 * Redaction of what diagnostics print before it is recorded in the chronicle (and so in git,
 * on the site and in alerts). Tool output routinely carries secrets: unit files with
 * Environment=DB_PASSWORD=..., `docker inspect` with the container's env, logs with
 * Authorization headers. Patterns catch the shapes; the values of this process's own
 * secret-named environment variables are also replaced wherever they appear.
 */
const MARK = '[redacted]';

const SECRET_NAME =
  '[A-Za-z0-9_.-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key' +
  '|credential|auth|session|cookie)[A-Za-z0-9_.-]*';

const RULES: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, `${MARK} private key`],
  [/(authorization|proxy-authorization|x-api-key|cookie|set-cookie)(\s*[:=]\s*)[^\r\n]*/gi, `$1$2${MARK}`],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MARK}`],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s:@/]+:[^\s@/]+@/gi, `$1${MARK}@`],
  [/(discord(?:app)?\.com\/api\/webhooks\/\d+\/)[A-Za-z0-9_-]+/gi, `$1${MARK}`],
  [new RegExp(`("${SECRET_NAME}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${MARK}"`],
  [new RegExp(`\\b(${SECRET_NAME})(\\s*[=:]\\s*)("[^"\\r\\n]*"|'[^'\\r\\n]*'|[^\\s"',;]+)`, 'gi'), `$1$2${MARK}`],
  [
    /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16})\b/g,
    MARK,
  ],
];

const SECRET_ENV = new RegExp(`^${SECRET_NAME}$`, 'i');

/** The values to scrub literally: this process's secret-named environment variables (8+ characters). */
export function secretValues(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value !== undefined && value.length >= 8 && SECRET_ENV.test(name))
    .map(([, value]) => value!)
    .sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(MARK);
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

/** `text` cut to at most `maxBytes` UTF-8 bytes on a character boundary. */
export function truncateBytes(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}
