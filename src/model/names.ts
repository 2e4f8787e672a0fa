import { z } from 'zod';

/** Node and service names: DNS-label shaped, which also rules out path traversal. */
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const Name = z
  .string()
  .regex(NAME_PATTERN, { message: 'a name of lowercase letters, digits and inner dashes (at most 63 characters)' });
export type Name = z.infer<typeof Name>;

/** `service` on the same node, or `node/service`. */
export const ServiceRef = z
  .string()
  .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\/)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: 'a service name or node/service',
  });

export function isName(value: string): boolean {
  return NAME_PATTERN.test(value);
}

/** Resolves a depends_on entry written on `node` to a full `node/service` id. */
export function resolveServiceRef(node: string, ref: string): { node: string; service: string } {
  const slash = ref.indexOf('/');
  return slash < 0 ? { node, service: ref } : { node: ref.slice(0, slash), service: ref.slice(slash + 1) };
}
