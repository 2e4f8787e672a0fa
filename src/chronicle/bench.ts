import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { distill } from './distill.js';
import { IncidentLine } from './line.js';
import { parseJsonLines } from './parse.js';

export interface DistillMeasure {
  lines: number;
  services: number;
  parse_ms: number;
  distill_ms: number;
  /** CPU time (user + system): steadier than wall time on a shared machine. */
  parse_cpu_ms: number;
  distill_cpu_ms: number;
  max_rss_mib: number;
}

/** Reads, validates and distills a chronicle file as reconcile does; meant to run alone in a fresh process. */
export async function measureDistill(file: string, now: number): Promise<DistillMeasure> {
  const text = await readFile(file, 'utf8');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const parsed = parseJsonLines('chronicle/incidents.jsonl', text, IncidentLine);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const insights = distill(parsed.lines, now);
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  const cpu = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage) => Math.round((to.user - from.user + to.system - from.system) / 1000);
  return {
    lines: parsed.lines.length,
    services: Object.keys(insights.services).length,
    parse_ms: Math.round(t1 - t0),
    distill_ms: Math.round(t2 - t1),
    parse_cpu_ms: cpu(c0, c1),
    distill_cpu_ms: cpu(c1, c2),
    max_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
