import type { Candidate, DiscoverySource } from '../types.js';
import { toServiceName } from '../names.js';
import { isOsService } from '../os-services.js';

/**
 * Running service units. `--plain --no-legend` gives `UNIT LOAD ACTIVE SUB DESCRIPTION`
 * per line (older systemd versions still prefix failed units with a bullet).
 */
export const systemdSource: DiscoverySource = {
  name: 'systemd',
  command: {
    file: 'systemctl',
    args: ['list-units', '--type=service', '--state=running', '--no-legend', '--plain', '--no-pager'],
  },
  parse(stdout) {
    const candidates: Candidate[] = [];
    for (const line of stdout.split('\n')) {
      const [unit, load, active, sub, ...description] = line
        .replace(/^\s*[●*×]\s*/, '')
        .trim()
        .split(/\s+/);
      if (!unit?.endsWith('.service') || load !== 'loaded' || active !== 'active' || sub !== 'running') continue;
      if (isOsService(unit)) continue;
      const name = toServiceName(unit.replace(/\.service$/, ''));
      if (!name) continue;
      candidates.push({
        name,
        description: `systemd: ${description.join(' ') || unit}`,
        probe: { systemd: unit },
        ports: [],
      });
    }
    return candidates;
  },
};
