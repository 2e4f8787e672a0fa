import { z } from 'zod';
import { NAME_PATTERN } from './name-pattern.js';

export { isName, NAME_PATTERN } from './name-pattern.js';

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

/** Resolves a depends_on entry written on `node` to a full `node/service` id. */
export function resolveServiceRef(node: string, ref: string): { node: string; service: string } {
  const slash = ref.indexOf('/');
  return slash < 0 ? { node, service: ref } : { node: ref.slice(0, slash), service: ref.slice(slash + 1) };
}
