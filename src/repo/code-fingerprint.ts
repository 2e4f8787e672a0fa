import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A digest of the code in the given folders of src/ (or dist/, whichever is running), for
 * caches whose values the code decides: change a schema or a rule and the cache is ignored.
 * Folders are named relative to src/, e.g. `model`.
 */
declare const LABWARDEN_BUNDLE_FINGERPRINT: string | undefined;

export function codeFingerprint(format: number, folders: readonly string[]): string {
  const hash = createHash('sha1').update(`${format}\0`);
  // In the action's bundle the folders do not exist; the bundler stamps in a digest of all of
  // src/ instead (scripts/bundle-action.mjs), which changes whenever these folders do.
  if (typeof LABWARDEN_BUNDLE_FINGERPRINT === 'string')
    return hash.update(`${folders.join(',')}\0${LABWARDEN_BUNDLE_FINGERPRINT}`).digest('base64');
  for (const folder of folders) {
    const dir = fileURLToPath(new URL(`../${folder}/`, import.meta.url));
    for (const name of readdirSync(dir).sort()) {
      if (/\.(js|ts)$/.test(name) && !/\.test\.|\.d\.ts$/.test(name))
        hash.update(`${folder}/${name}\0`).update(readFileSync(path.join(dir, name)));
    }
  }
  return hash.digest('base64');
}
