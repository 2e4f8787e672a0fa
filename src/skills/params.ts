import { isName, templateParts, type Placeholder, type Probe, type Recommendation } from '../model/index.js';

/**
 * The values a template's placeholders take: only validated names, never free text (a reason,
 * a detail, an incident summary). Each value is checked here against a pattern that also rules
 * out a leading `-` (no value can become an option of the program) and every shell or control
 * character; a value that fails is absent, and a step that needs it is skipped, saying why.
 */
export type Params = Partial<Record<Placeholder, string>>;

const UNIT = /^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,254}$/;
const CONTAINER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const ADDRESS = /^[A-Za-z0-9[][A-Za-z0-9.:[\]-]{0,252}:\d{1,5}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export interface ParamsResult {
  values: Params;
  /** Why a value is absent, for the steps that need it. */
  missing: Partial<Record<Placeholder, string>>;
}

export function paramsFor(
  rec: Pick<Recommendation, 'node' | 'service' | 'since'>,
  probe: Probe | undefined,
): ParamsResult {
  const values: Params = {};
  const missing: Partial<Record<Placeholder, string>> = {};
  const take = (
    key: Placeholder,
    value: string | undefined | null,
    valid: (value: string) => boolean,
    absent: string,
  ) => {
    if (value === undefined || value === null) missing[key] = absent;
    else if (valid(value)) values[key] = value;
    else missing[key] = `${JSON.stringify(value.slice(0, 80))} is not a valid ${key}`;
  };
  take('node', rec.node, isName, 'no node');
  take('service', rec.service, isName, 'a node-level recommendation has no service');
  take('since', rec.since, (value) => TIME.test(value), 'the recommendation has no since');
  take('unit', probe?.systemd, (value) => UNIT.test(value), 'the service has no systemd probe');
  take('container', probe?.docker, (value) => CONTAINER.test(value), 'the service has no docker probe');
  take('url', probe?.http, validUrl, 'the service has no http probe');
  take('address', probe?.tcp, (value) => ADDRESS.test(value), 'the service has no tcp probe');
  return { values, missing };
}

function validUrl(value: string): boolean {
  if (!/^https?:\/\/[^\s\u0000-\u001f\u007f]+$/.test(value) || value.length > 2000) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * One argv element (or URL) with its placeholders filled: `{ value }`, or `{ missing }` naming
 * the placeholder and why. Never parsed by a shell: the result is one argument as it is.
 */
export function expandTemplate(template: string, params: ParamsResult): { value: string } | { missing: string } {
  let value = '';
  for (const part of templateParts(template)) {
    if ('literal' in part) {
      value += part.literal;
      continue;
    }
    const key = part.placeholder as Placeholder;
    const filled = params.values[key];
    if (filled === undefined) return { missing: `{${key}}: ${params.missing[key] ?? 'not available'}` };
    value += filled;
  }
  return { value };
}
