import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DISCOVERY_SOURCES, SOURCE_NAMES, type CommandRunner, type SourceName } from '../../src/discover/index.js';
import { PROJECT_ROOT } from './repo.js';

const FIXTURES = path.join(PROJECT_ROOT, 'src/discover/fixtures');

/** Outputs recorded on a Debian homelab box: `systemctl list-units`, `docker ps --format json`, `ss -ltnp`. */
export function recordedOutputs(): Record<SourceName, string> {
  return {
    systemd: readFileSync(path.join(FIXTURES, 'systemctl-list-units.txt'), 'utf8'),
    docker: readFileSync(path.join(FIXTURES, 'docker-ps.jsonl'), 'utf8'),
    ports: readFileSync(path.join(FIXTURES, 'ss-ltnp.txt'), 'utf8'),
  };
}

/** Replays recorded output for exactly the commands the sources run; any other command fails the test. */
export function replayRunner(outputs: Partial<Record<SourceName, string>>): CommandRunner {
  return async (file, args) => {
    const source = SOURCE_NAMES.find(
      (name) =>
        DISCOVERY_SOURCES[name].command.file === file &&
        DISCOVERY_SOURCES[name].command.args.join(' ') === args.join(' '),
    );
    if (!source) throw new Error(`unexpected command: ${file} ${args.join(' ')}`);
    const stdout = outputs[source];
    return stdout === undefined ? { ok: false, reason: 'not installed' } : { ok: true, stdout };
  };
}
