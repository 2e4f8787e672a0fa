import type { RemediationStep, SkillInput } from '../model/skill.js';

/*
 * The built-in families: data, validated through the same schema as a homelab's
 * inventory/skills/*.yaml (a homelab file with the same id replaces one of these).
 * Diagnostics are read-only and use only placeholders filled from validated names.
 */

const UNIT_STATUS = { title: 'unit status', run: ['systemctl', 'status', '--no-pager', '--full', '--', '{unit}'] };
const UNIT_JOURNAL = {
  title: 'unit journal since the drift',
  run: ['journalctl', '--no-pager', '-n', '200', '-u', '{unit}', '--since', '{since}'],
};
const UNIT_PROPERTIES = {
  title: 'restart counters',
  run: ['systemctl', 'show', '--property=Result,NRestarts,ExecMainStatus,ActiveEnterTimestamp', '--', '{unit}'],
};
const CONTAINER_STATE = {
  title: 'container state',
  run: ['docker', 'inspect', '--type', 'container', '--format', '{{json .State}}', '--', '{container}'],
};
const CONTAINER_LOGS = { title: 'last container logs', run: ['docker', 'logs', '--tail', '100', '--', '{container}'] };
const HTTP_GET = { title: 'GET the probe URL', http_get: '{url}' };
const TCP_CONNECT = { title: 'connect to the probed port', tcp_connect: '{address}' };
const MEMORY = { title: 'memory', run: ['free', '-m'] };
const DISK = { title: 'disk space', run: ['df', '-h'] };
const LOAD = { title: 'load and uptime', run: ['uptime'] };

const RESTART_UNIT: RemediationStep = {
  action: 'restart',
  title: 'restart the unit',
  run: ['systemctl', 'restart', '--', '{unit}'],
};
const RESTART_CONTAINER: RemediationStep = {
  action: 'restart',
  title: 'restart the container',
  run: ['docker', 'restart', '--', '{container}'],
};
const REDEPLOY: RemediationStep = {
  action: 'redeploy_last_good',
  title: 'redeploy the last version that deployed successfully',
};
const FAILOVER: RemediationStep = { action: 'failover', title: 'fail over to the first healthy failover target' };

export const BUILTIN_SKILLS: readonly SkillInput[] = [
  // --- systemd
  {
    id: 'systemd-crash-loop',
    title: 'Unit in a crash loop (start limit hit)',
    family: 'systemd',
    match: {
      probe: ['systemd'],
      drift: ['unhealthy_service'],
      detail: ['start-limit-hit', 'start request repeated too quickly'],
    },
    diagnostics: [UNIT_STATUS, UNIT_PROPERTIES, UNIT_JOURNAL],
    remediation: [
      { action: 'manual', title: 'fix the cause in the journal, then `systemctl reset-failed` the unit' },
      RESTART_UNIT,
    ],
    risk: 'medium',
    approval_required: true,
    verify: { observation: 'service_ok', within: '5m' },
    max_attempts: 1,
  },
  {
    id: 'systemd-unit-failed',
    title: 'Unit failed',
    family: 'systemd',
    match: { probe: ['systemd'], drift: ['unhealthy_service'], detail: ['unit * failed'] },
    diagnostics: [UNIT_STATUS, UNIT_JOURNAL],
    remediation: [RESTART_UNIT],
    risk: 'low',
    approval_required: true,
    verify: { observation: 'service_ok', within: '5m' },
    max_attempts: 2,
  },
  {
    id: 'systemd-unit-stopped',
    title: 'Unit stopped (inactive)',
    family: 'systemd',
    match: { probe: ['systemd'], drift: ['unhealthy_service'], detail: ['unit * inactive'] },
    diagnostics: [UNIT_STATUS, UNIT_JOURNAL],
    remediation: [{ action: 'restart', title: 'start the unit', run: ['systemctl', 'start', '--', '{unit}'] }],
    risk: 'low',
    approval_required: true,
    verify: { observation: 'service_ok', within: '5m' },
    max_attempts: 2,
  },
  {
    id: 'systemd-unhealthy',
    title: 'systemd service unhealthy',
    family: 'systemd',
    match: { probe: ['systemd'], drift: ['unhealthy_service', 'missing_service'] },
    diagnostics: [UNIT_STATUS, UNIT_JOURNAL, MEMORY, DISK],
    remediation: [RESTART_UNIT],
    risk: 'medium',
    approval_required: true,
    verify: { observation: 'service_ok', within: '5m' },
    max_attempts: 2,
  },
  // --- docker
  {
    id: 'docker-oom',
    title: 'Container killed for memory (exit 137: out of memory)',
    family: 'docker',
    match: { probe: ['docker'], drift: ['unhealthy_service'], detail: ['exited (137)', 'oomkilled'] },
    diagnostics: [
      {
        title: 'OOM flag and exit code',
        run: [
          'docker',
          'inspect',
          '--type',
          'container',
          '--format',
          '{{.State.OOMKilled}} {{.State.ExitCode}} {{.HostConfig.Memory}}',
          '--',
          '{container}',
        ],
      },
      CONTAINER_LOGS,
      MEMORY,
    ],
    remediation: [{ action: 'manual', title: 'raise the container memory limit or find the leak' }, RESTART_CONTAINER],
    risk: 'medium',
    approval_required: true,
    verify: { observation: 'service_ok', within: '5m' },
    max_attempts: 1,
  },
  {
    id: 'docker-exited',
    title: 'Container exited',
    family: 'docker',
    match: { probe: ['docker'], drift: ['unhealthy_service'], detail: ['container * exited (*)'] },
    diagnostics: [CONTAINER_STATE, CONTAINER_LOGS],
    remediation: [RESTART_CONTAINER],
    risk: 'low',
    approval_required: true,
    verify: { observation: 'service_ok', within: '5m' },
    max_attempts: 2,
  },
  {
    id: 'docker-unhealthy-check',
    title: 'Container running but its healthcheck fails',
    family: 'docker',
    match: { probe: ['docker'], drift: ['unhealthy_service'], detail: ['running, unhealthy'] },
    diagnostics: [
      {
        title: 'healthcheck log',
        run: ['docker', 'inspect', '--type', 'container', '--format', '{{json .State.Health}}', '--', '{container}'],
      },
      CONTAINER_LOGS,
    ],
    remediation: [RESTART_CONTAINER],
    risk: 'low',
    approval_required: true,
    verify: { observation: 'service_ok', within: '5m' },
    max_attempts: 2,
  },
  {
    id: 'docker-daemon-down',
    title: 'Docker daemon unreachable',
    family: 'docker',
    match: { probe: ['docker'], detail: ['docker daemon unreachable', 'cannot connect to the docker daemon'] },
    diagnostics: [
      { title: 'docker service', run: ['systemctl', 'status', '--no-pager', '--', 'docker.service'] },
      DISK,
    ],
    remediation: [
      { action: 'restart', title: 'restart the docker daemon', run: ['systemctl', 'restart', '--', 'docker.service'] },
    ],
    risk: 'high',
    approval_required: true,
    verify: { observation: 'service_ok', within: '5m' },
    max_attempts: 1,
  },
  {
    id: 'docker-unhealthy',
    title: 'Container unhealthy',
    family: 'docker',
    match: { probe: ['docker'], drift: ['unhealthy_service', 'missing_service'] },
    diagnostics: [CONTAINER_STATE, CONTAINER_LOGS, MEMORY, DISK],
    remediation: [RESTART_CONTAINER],
    risk: 'medium',
    approval_required: true,
    verify: { observation: 'service_ok', within: '5m' },
    max_attempts: 2,
  },
  // --- http
  {
    id: 'http-upstream-down',
    title: 'Upstream down behind the proxy (HTTP 502/503/504)',
    family: 'http',
    match: { probe: ['http'], drift: ['unhealthy_service'], detail: ['HTTP 502', 'HTTP 503', 'HTTP 504'] },
    diagnostics: [HTTP_GET, LOAD, MEMORY],
    remediation: [
      { action: 'manual', title: 'check the service behind the proxy (its own recommendation, if any)' },
      REDEPLOY,
    ],
    risk: 'medium',
    approval_required: true,
    verify: { observation: 'service_ok', within: '10m' },
    max_attempts: 2,
  },
  {
    id: 'http-unreachable',
    title: 'HTTP endpoint unreachable',
    family: 'http',
    match: {
      probe: ['http'],
      drift: ['unhealthy_service'],
      detail: ['refused', 'no answer from', 'timed out', 'unreachable'],
    },
    diagnostics: [HTTP_GET, LOAD],
    remediation: [REDEPLOY],
    risk: 'medium',
    approval_required: true,
    verify: { observation: 'service_ok', within: '10m' },
    max_attempts: 2,
  },
  {
    id: 'http-unhealthy',
    title: 'HTTP check failing',
    family: 'http',
    match: { probe: ['http'], drift: ['unhealthy_service', 'missing_service'] },
    diagnostics: [HTTP_GET],
    remediation: [REDEPLOY],
    risk: 'medium',
    approval_required: true,
    verify: { observation: 'service_ok', within: '10m' },
    max_attempts: 2,
  },
  // --- tcp
  {
    id: 'tcp-refused',
    title: 'Nothing listening on the port (connection refused)',
    family: 'tcp',
    match: { probe: ['tcp'], drift: ['unhealthy_service'], detail: ['refused'] },
    diagnostics: [TCP_CONNECT, { title: 'listening sockets', run: ['ss', '-ltn'] }],
    remediation: [REDEPLOY],
    risk: 'medium',
    approval_required: true,
    verify: { observation: 'service_ok', within: '10m' },
    max_attempts: 2,
  },
  {
    id: 'tcp-unhealthy',
    title: 'TCP port not reachable',
    family: 'tcp',
    match: { probe: ['tcp'], drift: ['unhealthy_service', 'missing_service'] },
    diagnostics: [TCP_CONNECT],
    remediation: [REDEPLOY],
    risk: 'medium',
    approval_required: true,
    verify: { observation: 'service_ok', within: '10m' },
    max_attempts: 2,
  },
  // --- node-level
  {
    id: 'node-disk-full',
    title: 'Disk full on the node',
    family: 'node',
    match: { detail: ['no space left on device', 'disk full'] },
    diagnostics: [DISK, { title: 'largest journal', run: ['journalctl', '--disk-usage'] }],
    remediation: [{ action: 'manual', title: 'free space (old images, logs, backups), then redeploy' }],
    risk: 'high',
    approval_required: true,
    verify: { observation: 'drift_cleared', within: '30m' },
    max_attempts: 1,
  },
  {
    id: 'node-offline',
    title: 'Node offline',
    family: 'node',
    match: { drift: ['offline_node'] },
    diagnostics: [],
    remediation: [{ action: 'manual', title: 'check power and network of the node' }, FAILOVER],
    risk: 'high',
    approval_required: true,
    verify: { observation: 'node_online', within: '30m' },
    max_attempts: 1,
  },
  {
    id: 'node-drain-failed',
    title: 'Drain did not complete',
    family: 'node',
    match: { drift: ['drain_failed'] },
    diagnostics: [LOAD, MEMORY, DISK],
    remediation: [
      { action: 'manual', title: 'move the blocking services by hand, or `labwarden maintenance uncordon` the node' },
    ],
    risk: 'high',
    approval_required: true,
    verify: { observation: 'drift_cleared', within: '1h' },
    max_attempts: 1,
  },
  // --- deployments
  {
    id: 'deployment-bad-release',
    title: 'Bad release: the same version failed twice',
    family: 'deployment',
    match: { drift: ['failed_deployment'], same_version_failures: 2 },
    diagnostics: [LOAD, MEMORY, DISK],
    remediation: [REDEPLOY],
    risk: 'medium',
    approval_required: true,
    verify: { observation: 'deployment_success', within: '15m' },
    max_attempts: 1,
  },
  {
    id: 'deployment-failed',
    title: 'Deployment failed',
    family: 'deployment',
    match: { drift: ['failed_deployment'] },
    diagnostics: [LOAD, MEMORY, DISK],
    remediation: [{ action: 'manual', title: 'read the deployment log, then redeploy' }, REDEPLOY],
    risk: 'medium',
    approval_required: true,
    verify: { observation: 'deployment_success', within: '15m' },
    max_attempts: 2,
  },
];
