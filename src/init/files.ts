import { SCHEMA_FILES, jsonSchemaOf } from '../model/json-schema.js';
import { renderPolicyTemplate } from './policy-template.js';

export const HOST_SCHEMA_LINE = '# yaml-language-server: $schema=../../../schema/host.schema.json';
export const SERVICES_SCHEMA_LINE = '# yaml-language-server: $schema=../../../schema/services.schema.json';

function hostYaml(node: string): string {
  return `${HOST_SCHEMA_LINE}
# Node metadata; every key is optional.
# address: 192.168.1.10      # used in probes and shown on the dashboard
# role: ${node}
# labels: [rack-a]
# critical: false            # an offline critical node makes the summary unstable
`;
}

function servicesYaml(): string {
  return `${SERVICES_SCHEMA_LINE}
# Services that should run on this node. \`labwarden discover --write\` proposes entries
# from what already runs here. Example:
#   - name: jellyfin
#     critical: false                      # critical drift makes the summary unstable
#     depends_on: [postgres, node2/redis]  # same node, or node/service
#     failover: [node2]                    # nodes that may take it over
#     probe: { http: "http://192.168.1.13:8096/health", expect: 200 }
services: []
`;
}

const GITATTRIBUTES = `# The chronicle is append-only JSON Lines: concurrent appends from several runners merge
# by union instead of conflicting.
chronicle/*.jsonl merge=union
`;

const GITIGNORE = `# Local state: heartbeats, outbox and caches; never committed.
.labwarden/
site/dist/
site/.astro/
node_modules/
`;

function readme(nodes: readonly string[]): string {
  return `# Homelab

Supervised by [labwarden](https://www.npmjs.com/package/labwarden): desired state in
\`inventory/\`, observed state in \`world/\`, conclusions in \`status/\` and \`chronicle/\`.

Nodes: ${nodes.map((node) => `\`${node}\``).join(', ')}.

## Next three steps

1. **Add services.** On each node run \`npx labwarden discover --node <node>\` to see what
   already runs there, then \`--write\` to add it to \`inventory/hosts/<node>/services.yaml\`
   (or edit that file by hand). Check with \`npx labwarden validate\`.
2. **Set the Discord webhook secret.** In the repository settings, add the secret
   \`DISCORD_WEBHOOK_URL\` (Discord: channel → Edit → Integrations → Webhooks → New → Copy URL).
3. **Enable Pages.** Settings → Pages → Source: GitHub Actions. The \`pages\` workflow
   publishes the status dashboard after every reconcile.

Then commit and push: \`git init && git add -A && git commit -m "labwarden init"\`.

## Layout

\`\`\`
inventory/policy.yaml                 thresholds; every setting shown at its default
inventory/hosts/<node>/host.yaml      node metadata
inventory/hosts/<node>/services.yaml  services that should run on <node>
world/nodes/<node>.yaml               what runs, written by \`labwarden observe\`
chronicle/*.jsonl                     append-only history (incidents, admin events, notifications)
status/recommendations.json           the latest reconciled view
schema/*.schema.json                  JSON Schema for editor completion
.github/workflows/                    reconcile (schedule), validate (pull requests), pages
\`\`\`
`;
}

/**
 * Every file of a new homelab repo, by path. Pure: the workflows are passed in (they are
 * read from this package, so there is one copy of them).
 */
export function scaffoldFiles(options: { nodes: readonly string[]; workflows: ReadonlyMap<string, string> }): Map<string, string> {
  const files = new Map<string, string>();
  files.set('README.md', readme(options.nodes));
  files.set('.gitattributes', GITATTRIBUTES);
  files.set('.gitignore', GITIGNORE);
  files.set('inventory/policy.yaml', renderPolicyTemplate());
  for (const node of options.nodes) {
    files.set(`inventory/hosts/${node}/host.yaml`, hostYaml(node));
    files.set(`inventory/hosts/${node}/services.yaml`, servicesYaml());
  }
  files.set('world/nodes/.gitkeep', '');
  files.set('chronicle/.gitkeep', '');
  for (const name of Object.keys(SCHEMA_FILES) as (keyof typeof SCHEMA_FILES)[]) files.set(`schema/${name}`, jsonSchemaOf(name));
  for (const [name, text] of [...options.workflows].sort(([a], [b]) => (a < b ? -1 : 1))) files.set(`.github/workflows/${name}`, text);
  return files;
}
