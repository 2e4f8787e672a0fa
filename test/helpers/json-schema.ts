/**
 * A small JSON Schema (2020-12) checker for the keywords `labwarden schema` emits: enough to
 * compare the published schemas with `validate` without adding ajv. An unknown keyword throws,
 * so a schema that grows one cannot pass by being ignored.
 */
type Schema = Record<string, unknown>;

const IGNORED = new Set(['$schema', 'title', 'description', 'default', 'format', 'examples']);
const KNOWN = new Set([
  ...IGNORED,
  'type',
  'enum',
  'const',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'items',
  'properties',
  'required',
  'additionalProperties',
  'anyOf',
  'oneOf',
  'allOf',
  'propertyNames',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The first reason `value` fails `schema` (with its JSON path), or undefined when it passes. */
export function schemaError(schema: Schema, value: unknown, at = ''): string | undefined {
  for (const key of Object.keys(schema))
    if (!KNOWN.has(key)) throw new Error(`json-schema helper: keyword "${key}" at ${at || '/'} is not supported`);
  const fail = (why: string) => `${at || '/'}: ${why}`;
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const actual = typeOf(value);
    if (!types.some((type) => type === actual || (type === 'number' && actual === 'integer')))
      return fail(`expected ${types.join('|')}, found ${actual}`);
  }
  if (schema.enum && !(schema.enum as unknown[]).some((item) => item === value))
    return fail(`not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== value) return fail(`not ${JSON.stringify(schema.const)}`);
  if (typeof value === 'string') {
    // Code points, as JSON Schema (and ajv) count; zod counts UTF-16 units (differs only for astral characters).
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) return fail('too short');
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) return fail('too long');
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      return fail(`does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return fail('below minimum');
    if (typeof schema.maximum === 'number' && value > schema.maximum) return fail('above maximum');
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      return fail('not above exclusiveMinimum');
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum)
      return fail('not below exclusiveMaximum');
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return fail('too few items');
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return fail('too many items');
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        const error = schemaError(schema.items as Schema, value[i], `${at}/${i}`);
        if (error) return error;
      }
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[])
      if (!Object.hasOwn(object, key)) return fail(`missing "${key}"`);
    for (const [key, item] of Object.entries(object)) {
      const own = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (own) {
        const error = schemaError(own, item, `${at}/${key}`);
        if (error) return error;
      } else if (schema.additionalProperties === false) {
        return fail(`unknown key "${key}"`);
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        const error = schemaError(schema.additionalProperties as Schema, item, `${at}/${key}`);
        if (error) return error;
      }
      if (schema.propertyNames) {
        const error = schemaError(schema.propertyNames as Schema, key, `${at}/${key}`);
        if (error) return error;
      }
    }
  }
  if (schema.allOf)
    for (const part of schema.allOf as Schema[]) {
      const error = schemaError(part, value, at);
      if (error) return error;
    }
  if (schema.anyOf && (schema.anyOf as Schema[]).every((part) => schemaError(part, value, at) !== undefined))
    return fail('matches no anyOf branch');
  if (
    schema.oneOf &&
    (schema.oneOf as Schema[]).filter((part) => schemaError(part, value, at) === undefined).length !== 1
  )
    return fail('does not match exactly one oneOf branch');
  return undefined;
}
