// No dependencies: the CLI checks names with it before loading the model.

/** Node and service names: DNS-label shaped, which also rules out path traversal. */
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function isName(value: string): boolean {
  return NAME_PATTERN.test(value);
}
