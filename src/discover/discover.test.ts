import { describe, expect, it } from 'vitest';
import { buildRepoModel } from '../repo/index.js';
import { recordedOutputs, replayRunner } from '../../test/helpers/discover.js';
import { discoverServices, mergeServices, renderServicesYaml, SOURCE_NAMES } from './index.js';

const RECORDED = recordedOutputs();

function validates(node: string, servicesYaml: string) {
  return buildRepoModel({
    hostDirs: [node],
    files: [{ path: `inventory/hosts/${node}/services.yaml`, text: servicesYaml }],
  }).problems;
}

describe('discover', () => {
  it.each([
    ['systemd', ['grafana-server', 'nginx', 'postgresql-15-main', 'smbd', 'tailscaled']],
    ['docker', ['jellyfin', 'media-sonarr-1', 'redis', 'mosquitto', 'watchtower']],
    ['ports', ['nginx', 'grafana', 'smbd', 'node-exporter', 'port-2049']],
  ] as const)(
    '%s alone: proposals, minus the OS (and docker-proxy), as YAML that validate accepts',
    async (source, names) => {
      const discovery = await discoverServices({
        runner: replayRunner(RECORDED),
        address: '192.168.1.20',
        sources: [source],
      });
      expect(discovery.warnings).toEqual([]);
      expect(discovery.candidates.map((candidate) => candidate.name).sort()).toEqual([...names].sort());
      expect(validates('nas', renderServicesYaml(discovery.candidates))).toEqual([]);
    },
  );

  it('all sources: docker claims its ports, systemd its processes, the rest are ports', async () => {
    const discovery = await discoverServices({
      runner: replayRunner(RECORDED),
      address: '192.168.1.20',
      sources: SOURCE_NAMES,
    });
    const byName = Object.fromEntries(discovery.candidates.map((candidate) => [candidate.name, candidate.probe]));
    expect(byName).toEqual({
      jellyfin: { http: 'http://192.168.1.20:8096/' },
      'media-sonarr-1': { http: 'http://192.168.1.20:8989/' },
      redis: { docker: 'redis' },
      mosquitto: { tcp: '192.168.1.20:1883' },
      watchtower: { docker: 'watchtower' },
      'grafana-server': { systemd: 'grafana-server.service' },
      nginx: { systemd: 'nginx.service' },
      'postgresql-15-main': { systemd: 'postgresql@15-main.service' },
      smbd: { systemd: 'smbd.service' },
      tailscaled: { systemd: 'tailscaled.service' },
      'node-exporter': { tcp: '192.168.1.20:9100' },
      'port-2049': { tcp: '192.168.1.20:2049' },
    });
    const yaml = renderServicesYaml(discovery.candidates);
    expect(validates('nas', yaml)).toEqual([]);
    expect(yaml).toContain(
      '  - name: jellyfin\n    description: "docker: jellyfin/jellyfin:10.9.1"\n    probe: { http: "http://192.168.1.20:8096/" }\n',
    );
  });

  it('a tool that is missing or refuses is a warning, not a failure', async () => {
    const discovery = await discoverServices({
      runner: replayRunner({ ports: RECORDED.ports }),
      address: '127.0.0.1',
      sources: SOURCE_NAMES,
    });
    expect(discovery.warnings).toEqual([
      'docker: `docker ps --format json` failed: not installed',
      'systemd: `systemctl list-units --type=service --state=running --no-legend --plain --no-pager` failed: not installed',
    ]);
    expect(discovery.candidates.map((candidate) => candidate.name)).toContain('nginx');
  });

  it('empty output proposes nothing, still valid', async () => {
    const discovery = await discoverServices({
      runner: replayRunner({ systemd: '', docker: '', ports: '' }),
      address: '127.0.0.1',
      sources: SOURCE_NAMES,
    });
    expect(discovery.candidates).toEqual([]);
    expect(validates('nas', renderServicesYaml([]))).toEqual([]);
  });

  it('merge keeps comments and never duplicates by name or by probe target', async () => {
    const discovery = await discoverServices({
      runner: replayRunner(RECORDED),
      address: '192.168.1.20',
      sources: SOURCE_NAMES,
    });
    const existing = {
      path: 'inventory/hosts/nas/services.yaml',
      text: '# my services\nservices:\n  - name: media\n    probe: { http: "http://nas.lan:8096/health", expect: 200 }   # jellyfin, by another name\n  - name: nginx\n    critical: true\n',
    };
    const merged = mergeServices(existing, discovery.candidates);
    if (!merged.ok) throw new Error('merge failed');
    expect(merged.skipped.map((candidate) => candidate.name)).toEqual(['jellyfin', 'nginx']);
    expect(merged.text.startsWith('# my services\nservices:\n  - name: media\n')).toBe(true);
    expect(merged.text).toContain('# jellyfin, by another name');
    expect(validates('nas', merged.text)).toEqual([]);
    // Merging the same proposals again changes nothing.
    const again = mergeServices({ ...existing, text: merged.text }, discovery.candidates);
    expect(again).toMatchObject({ ok: true, text: merged.text, added: [] });
  });

  it('merge refuses a broken services.yaml with its problems', () => {
    const merged = mergeServices({ path: 'inventory/hosts/nas/services.yaml', text: 'services:\n  - name: Bad\n' }, []);
    expect(merged.ok).toBe(false);
  });
});
