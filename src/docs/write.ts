import { writeIfChanged } from '../fs/atomic.js';
import { generatedDocs } from './reference.js';

/** `npm run docs`: regenerates the reference pages under docs/. Returns the paths written. */
export async function writeGeneratedDocs(root: string): Promise<string[]> {
  const written: string[] = [];
  for (const [relative, text] of generatedDocs()) {
    if (await writeIfChanged(root, relative, text)) written.push(relative);
  }
  return written;
}
