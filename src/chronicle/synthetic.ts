import { formatTime } from '../model/index.js';
import { lineId, type IncidentLine } from './line.js';

/**
 * A synthetic chronicle for benchmarks and tests: `services` services on nodes of ten,
 * incidents spread over `days`, each opened and resolved (a few escalate, a few flap),
 * until `lines` lines. Deterministic: a fixed linear congruential generator, no Math.random.
 */
export function syntheticChronicle(options: { lines: number; services: number; days: number; start: number }): IncidentLine[] {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const out: IncidentLine[] = [];
  const span = options.days * 86_400_000;
  const drifts = ['unhealthy_service', 'missing_service', 'failed_deployment'] as const;
  const next = new Map<number, number>();
  const push = (service: number, event: IncidentLine['event'], at: number, severity: IncidentLine['severity'], drift: string) => {
    const node = `node${Math.floor(service / 10)}`;
    const name = `svc${service}`;
    const fingerprint = `${node}/${name}/${drift}`;
    const time = formatTime(at);
    out.push({
      id: lineId(fingerprint, event, time),
      at: time,
      event,
      fingerprint,
      node,
      service: name,
      drift,
      severity,
      recommendation: 'reconcile_required',
      action: 'redeploy',
      reason: `synthetic ${event}`,
    });
  };
  while (out.length < options.lines) {
    const service = Math.floor(random() * options.services);
    const drift = drifts[Math.floor(random() * drifts.length)]!;
    const start = Math.max(next.get(service) ?? options.start, options.start + Math.floor(random() * span));
    const duration = 60_000 + Math.floor(random() * 3 * 3_600_000);
    push(service, 'opened', start, 'warning', drift);
    const roll = random();
    if (roll < 0.15) push(service, 'escalated', start + duration / 2, 'critical', drift);
    if (roll > 0.95) {
      push(service, 'flapping', start + duration / 3, 'warning', drift);
      push(service, 'stable', start + (2 * duration) / 3, 'warning', drift);
    }
    push(service, 'resolved', start + duration, roll < 0.15 ? 'critical' : 'warning', drift);
    next.set(service, start + duration + 60_000);
  }
  return out.slice(0, options.lines);
}
