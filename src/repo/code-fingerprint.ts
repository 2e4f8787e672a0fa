import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A digest of the code in the given folders of src/ (or dist/, whichever is running), for
 * caches whose values the code decides: change a schema or a rule and the cache is ignored.
 * Folders are named relative to src/, e.g. `model`.
 */
export function codeFingerprint(format: number, folders: readonly string[]): string {
  const hash = createHash('sha1').update(`${format}\0`);
  for (const folder of folders) {
    const dir = fileURLToPath(new URL(`../${folder}/`, import.meta.url));
    for (const name of readdirSync(dir).sort()) {
      if (/\.(js|ts)$/.test(name) && !/\.test\.|\.d\.ts$/.test(name)) hash.update(`${folder}/${name}\0`).update(readFileSync(path.join(dir, name)));
    }
  }
  return hash.digest('base64');
}
