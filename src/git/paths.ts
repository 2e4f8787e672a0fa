/** Whether `file` is `owned` or inside it (owned may be a folder, with or without a slash). */
export function isUnder(file: string, owned: string): boolean {
  const prefix = owned.replace(/\/+$/, '');
  return prefix === '.' || file === prefix || file.startsWith(`${prefix}/`);
}
