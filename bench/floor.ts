import { readRepoSources, parseData } from '../src/repo/index.js';

/** Read and parse every file reconcile reads, with the same reader and parsers, nothing else. */
export async function floor(repo: string): Promise<number> {
  const sources = await readRepoSources(repo);
  let values = 0;
  for (const file of sources.files) {
    if (file.path.endsWith('.jsonl')) {
      for (const line of file.text.split('\n')) if (line) values += JSON.parse(line) ? 1 : 0;
    } else if (parseData(file).ok) values++;
  }
  return values;
}
