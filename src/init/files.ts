import { SCHEMA_FILES, jsonSchemaOf } from '../model/json-schema.js';
import { renderPolicyTemplate } from './policy-template.js';
import { ACTION_REPOSITORY, FREE_MINUTES, idleMinutesPerMonth } from './workflows.js';

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

function readme(nodes: readonly string[], every: number): string {
  const minutes = idleMinutesPerMonth(every).toLocaleString('en-US');
  return `# Homelab

Supervised by [labwarden](https://github.com/${ACTION_REPOSITORY}): desired state in
\`inventory/\`, observed state in \`world/\`, conclusions in \`status/\` and \`chronicle/\`.

Nodes: ${nodes.map((node) => `\`${node}\``).join(', ')}.

## Next steps

1. **Add services.** On each node run \`labwarden discover --node <node>\` to see what
   already runs there, then \`--write\` to add it to \`inventory/hosts/<node>/services.yaml\`
   (or edit that file by hand). Check with \`labwarden validate\`.
2. **Push to \`main\`.** The workflows run on the branch \`main\` (\`labwarden init\` made it):
   \`git add -A && git commit -m "labwarden init" && git remote add origin URL && git push -u origin main\`.
   If your repo is on \`master\`: \`git branch -m master main\`.
3. **Set the Discord webhook secret** (optional). Settings → Secrets and variables → Actions →
   \`DISCORD_WEBHOOK_URL\` (Discord: channel → Edit → Integrations → Webhooks → New → Copy URL).
   Without it, alerts are written to the run's log only.
4. **Enable Pages.** Settings → Pages → Build and deployment → Source: GitHub Actions. The
   site is rebuilt only when the status or the chronicle changed.

## Workflows and what they cost

The workflows call the labwarden action, pinned to the version that ran \`init\`; a
scheduled run installs nothing. **Upgrade:** change the version on the
\`uses: ${ACTION_REPOSITORY}@...\` line of each file in \`.github/workflows/\`.

- \`reconcile.yml\` — every ${every} minutes: reconcile, notify and watchdog in **one job**;
  commits only what changed. ≈ **${minutes} billed minutes a month** for an idle homelab (each
  job is rounded up to a minute; a daily keepalive keeps the schedule enabled). A private
  repository includes ${FREE_MINUTES.toLocaleString('en-US')} minutes a month; public repositories are not billed. To
  change the schedule, edit its cron line (\`*/60\` halves the cost; \`*/10\` needs a public repo).
- \`pages.yml\` — builds and deploys the site (2 jobs) when status/ or chronicle/ changed.
- \`validate.yml\` — on pull requests: validate, and the plan in the job summary.

**Forgejo / Gitea Actions** read the same \`.github/workflows/\`. Forgejo resolves
\`uses: OWNER/REPO\` against its own action mirror: scaffold with
\`labwarden init --action https://github.com/${ACTION_REPOSITORY}@vVERSION\` (or edit the
\`uses:\` lines). There is no Pages there: the site job is skipped; build the site with
\`labwarden site build\`.

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

/** The two files of one node, as `init` and `add-node` write them (schema lines first). */
export function nodeFiles(node: string): Map<string, string> {
  return new Map([
    [`inventory/hosts/${node}/host.yaml`, hostYaml(node)],
    [`inventory/hosts/${node}/services.yaml`, servicesYaml()],
  ]);
}

/**
 * Every file of a new homelab repo, by path. Pure: the workflows are passed in (rendered
 * by workflows.ts for the version and action ref that run `init`).
 */
export function scaffoldFiles(options: {
  nodes: readonly string[];
  workflows: ReadonlyMap<string, string>;
  every: number;
}): Map<string, string> {
  const files = new Map<string, string>();
  files.set('README.md', readme(options.nodes, options.every));
  files.set('.gitattributes', GITATTRIBUTES);
  files.set('.gitignore', GITIGNORE);
  files.set('inventory/policy.yaml', renderPolicyTemplate());
  for (const node of options.nodes) for (const [file, text] of nodeFiles(node)) files.set(file, text);
  files.set('world/nodes/.gitkeep', '');
  files.set('chronicle/.gitkeep', '');
  for (const name of Object.keys(SCHEMA_FILES) as (keyof typeof SCHEMA_FILES)[])
    files.set(`schema/${name}`, jsonSchemaOf(name));
  for (const [name, text] of [...options.workflows].sort(([a], [b]) => (a < b ? -1 : 1)))
    files.set(`.github/workflows/${name}`, text);
  return files;
}
