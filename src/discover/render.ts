import { parseDocument, isSeq, isMap, type YAMLSeq } from 'yaml';
import { ServicesFile, probeKind, type Probe } from '../model/index.js';
import { parseSource, type SourceFile } from '../repo/source.js';
import type { Problem } from '../errors/problem.js';
import type { Candidate } from './types.js';

export { SERVICES_SCHEMA_LINE } from '../init/files.js';
import { SERVICES_SCHEMA_LINE } from '../init/files.js';

function renderProbe(probe: Probe): string {
  const entries = Object.entries(probe).filter(([, value]) => value !== undefined);
  return `{ ${entries.map(([key, value]) => `${key}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`).join(', ')} }`;
}

function renderService(candidate: Candidate): string {
  return [
    `  - name: ${candidate.name}`,
    `    description: ${JSON.stringify(candidate.description)}`,
    `    probe: ${renderProbe(candidate.probe)}`,
  ].join('\n');
}

/** The proposals as a complete services.yaml, for review. */
export function renderServicesYaml(candidates: readonly Candidate[], comment?: string): string {
  const head = `${SERVICES_SCHEMA_LINE}\n${
    comment
      ? `${comment
          .split('\n')
          .map((line) => `# ${line}`)
          .join('\n')}\n`
      : ''
  }`;
  if (candidates.length === 0) return `${head}services: []\n`;
  return `${head}services:\n${candidates.map(renderService).join('\n')}\n`;
}

/** What identifies a probe target, to avoid proposing a service that is already listed under another name. */
function probeTarget(probe: Probe | undefined): string | undefined {
  if (!probe) return undefined;
  const kind = probeKind(probe);
  const value = String(probe[kind]);
  if (kind === 'http') {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    return url ? `port:${url.port || (url.protocol === 'https:' ? '443' : '80')}` : undefined;
  }
  if (kind === 'tcp') return `port:${value.slice(value.lastIndexOf(':') + 1)}`;
  return `${kind}:${value}`;
}

export type MergeResult =
  { ok: true; text: string; added: Candidate[]; skipped: Candidate[] } | { ok: false; problems: Problem[] };

/**
 * Appends the candidates to an existing services.yaml, keeping its comments and layout,
 * and never duplicating a service: one already listed by name, or probing the same unit,
 * container or port, is skipped.
 */
export function mergeServices(existing: SourceFile | undefined, candidates: readonly Candidate[]): MergeResult {
  const text = existing?.text ?? `${SERVICES_SCHEMA_LINE}\nservices: []\n`;
  const current = parseSource({ path: existing?.path ?? 'services.yaml', text }, ServicesFile);
  if (!current.ok) return current;
  const names = new Set(current.value.services.map((service) => service.name));
  const targets = new Set(
    current.value.services.map((service) => probeTarget(service.probe)).filter((target) => target !== undefined),
  );
  const added: Candidate[] = [];
  const skipped: Candidate[] = [];
  for (const candidate of candidates) {
    const target = probeTarget(candidate.probe);
    if (names.has(candidate.name) || (target !== undefined && targets.has(target))) skipped.push(candidate);
    else added.push(candidate);
  }
  if (added.length === 0) return { ok: true, text, added, skipped };
  const document = parseDocument(text);
  let services = document.get('services');
  if (!isSeq(services)) {
    document.set('services', document.createNode([]));
    services = document.get('services');
  }
  const seq = services as YAMLSeq;
  seq.flow = false;
  for (const candidate of added) {
    const node = document.createNode({
      name: candidate.name,
      description: candidate.description,
      probe: candidate.probe,
    });
    if (isMap(node)) {
      const probe = node.get('probe');
      if (isMap(probe)) probe.flow = true;
    }
    seq.items.push(node);
  }
  return { ok: true, text: document.toString(), added, skipped };
}
