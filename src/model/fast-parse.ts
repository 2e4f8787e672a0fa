import type { z } from 'zod';

/**
 * A validator for the common case, derived from a zod schema: it walks the schema's
 * definition once and returns a function that checks plain data (what JSON.parse and
 * js-yaml produce) without zod's per-value bookkeeping. It only ever accepts: whatever it
 * cannot decide (an invalid value, or a schema part it does not know) goes to
 * `schema.safeParse`, so every problem and its message still come from zod. When it
 * accepts, the output is the one zod gives: new objects with the shape's keys in shape
 * order (then a loose object's extra keys), defaults filled in, transforms applied.
 *
 * There is no second schema to keep in step: a schema part it does not know (a refinement,
 * a new check kind) makes that part go through zod, which is slower, never different.
 */
export function fastParser<S extends z.ZodType>(schema: S): (value: unknown) => z.ZodSafeParseResult<z.output<S>> {
  const check = compile(schema as unknown as Schema);
  return (value) => {
    const out = check(value);
    return out === REJECT ? schema.safeParse(value) : { success: true, data: out as z.output<S> };
  };
}

/** What `check` returns when it does not accept: zod decides. */
const REJECT: unique symbol = Symbol('reject');
type Check = (value: unknown) => unknown;

interface Schema {
  _zod: { def: Def; traits: Set<string>; check?: (payload: Payload) => void };
  safeParse(value: unknown): { success: boolean; data?: unknown };
}
interface Def {
  type: string;
  [key: string]: unknown;
}
interface Payload {
  value: unknown;
  issues: unknown[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function viaZod(schema: Schema): Check {
  return (value) => {
    const result = schema.safeParse(value);
    return result.success ? result.data : REJECT;
  };
}

function compile(schema: Schema): Check {
  const def = schema._zod.def;
  const checks = [
    ...(schema._zod.traits.has('$ZodCheck') ? [schema] : []),
    ...((def.checks as Schema[] | undefined) ?? []),
  ];
  const base = compileType(schema, def);
  if (!base) return viaZod(schema);
  if (checks.length === 0) return base;
  const tests = checks.map(compileCheck);
  // Most checked values carry one check (a pattern, a length limit): no loop for them.
  if (tests.length === 1) {
    const test = tests[0]!;
    return (value) => {
      const out = base(value);
      return out === REJECT || !test(out) ? REJECT : out;
    };
  }
  return (value) => {
    const out = base(value);
    if (out === REJECT) return REJECT;
    for (const test of tests) if (!test(out)) return REJECT;
    return out;
  };
}

function compileType(schema: Schema, def: Def): Check | undefined {
  if (def.coerce) return undefined;
  switch (def.type) {
    case 'string':
      return (value) => (typeof value === 'string' ? value : REJECT);
    case 'number':
      return (value) => (typeof value === 'number' && Number.isFinite(value) ? value : REJECT);
    case 'boolean':
      return (value) => (typeof value === 'boolean' ? value : REJECT);
    case 'unknown':
      return (value) => value;
    case 'enum': {
      const values = new Set(Object.values(def.entries as Record<string, unknown>));
      return (value) => (values.has(value) ? value : REJECT);
    }
    case 'optional': {
      const inner = compile(def.innerType as Schema);
      return (value) => (value === undefined ? undefined : inner(value));
    }
    case 'nullable': {
      const inner = compile(def.innerType as Schema);
      return (value) => (value === null ? null : inner(value));
    }
    case 'default': {
      // zod returns the default as is (a fresh copy each time), without parsing it.
      const inner = compile(def.innerType as Schema);
      return (value) => (value === undefined ? def.defaultValue : inner(value));
    }
    case 'array': {
      const element = compile(def.element as Schema);
      return (value) => {
        if (!Array.isArray(value)) return REJECT;
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) if ((out[i] = element(value[i])) === REJECT) return REJECT;
        return out;
      };
    }
    case 'union': {
      // The first option that accepts wins, as in zod; an exclusive union is left to zod.
      if (def.inclusive === false) return undefined;
      const options = (def.options as Schema[]).map(compile);
      return (value) => {
        for (const option of options) {
          const out = option(value);
          if (out !== REJECT) return out;
        }
        return REJECT;
      };
    }
    case 'pipe': {
      const from = compile(def.in as Schema);
      const to = compile(def.out as Schema);
      return (value) => {
        const middle = from(value);
        return middle === REJECT ? REJECT : to(middle);
      };
    }
    case 'transform': {
      const transform = def.transform as (value: unknown, payload: Payload) => unknown;
      return (value) => {
        const payload: Payload = { value, issues: [] };
        try {
          const out = transform(value, payload);
          return payload.issues.length > 0 || out instanceof Promise ? REJECT : out;
        } catch {
          return REJECT;
        }
      };
    }
    case 'object':
      return compileObject(def);
    default:
      return undefined;
  }
}

function compileObject(def: Def): Check | undefined {
  const shape = def.shape as Record<string, Schema>;
  const keys = Object.keys(shape);
  const fields = keys.map((key) => compile(shape[key]!));
  const catchall = (def.catchall as Schema | undefined)?._zod.def.type;
  // No catchall strips unknown keys, `never` (strict) refuses them, `unknown` (loose) keeps them.
  if (catchall !== undefined && catchall !== 'never' && catchall !== 'unknown') return undefined;
  const known = new Set(keys);
  return (value) => {
    if (!isObject(value)) return REJECT;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const field = fields[i]!(value[key]);
      if (field === REJECT) return REJECT;
      if (field !== undefined) out[key] = field;
      else if (key in value) out[key] = undefined;
    }
    if (catchall !== undefined) {
      for (const key in value) {
        if (known.has(key)) continue;
        if (catchall === 'never') return REJECT;
        out[key] = value[key];
      }
    }
    return out;
  };
}

/** One check (regex, length, integer, bound, refinement) as a test of the value. */
function compileCheck(check: Schema): (value: unknown) => boolean {
  const def = check._zod.def as Def & {
    check?: string;
    format?: string;
    pattern?: RegExp;
    minimum?: number;
    value?: number;
    inclusive?: boolean;
  };
  const generic = (value: unknown) => {
    const payload: Payload = { value, issues: [] };
    const when = def.when as ((payload: Payload) => boolean) | undefined;
    try {
      if (when && !when(payload)) return true;
      check._zod.check!(payload);
    } catch {
      return false;
    }
    return payload.issues.length === 0;
  };
  if (
    def.check === 'string_format' &&
    (def.format === 'regex' || def.format === 'datetime') &&
    def.pattern instanceof RegExp
  ) {
    const pattern = def.pattern;
    return (value) => {
      pattern.lastIndex = 0;
      return pattern.test(value as string);
    };
  }
  // zod counts code points; at twice the minimum in UTF-16 units there are enough of them.
  if (def.check === 'min_length' && typeof def.minimum === 'number') {
    const minimum = def.minimum;
    return (value) => (typeof value === 'string' && value.length >= 2 * minimum) || generic(value);
  }
  // At most the maximum in UTF-16 units is at most the maximum in code points; arrays are exact.
  if (def.check === 'max_length' && typeof (def as unknown as { maximum?: number }).maximum === 'number') {
    const maximum = (def as unknown as { maximum: number }).maximum;
    return (value) =>
      ((typeof value === 'string' || Array.isArray(value)) && value.length <= maximum) || generic(value);
  }
  if (def.check === 'number_format' && def.format === 'safeint') return (value) => Number.isSafeInteger(value);
  if (def.check === 'greater_than' && typeof def.value === 'number') {
    const bound = def.value;
    return def.inclusive ? (value) => (value as number) >= bound : (value) => (value as number) > bound;
  }
  if (def.check === 'less_than' && typeof def.value === 'number') {
    const bound = def.value;
    return def.inclusive ? (value) => (value as number) <= bound : (value) => (value as number) < bound;
  }
  if (typeof check._zod.check !== 'function') return () => false;
  return generic;
}
