import { stringify } from 'yaml';
import { z } from 'zod';
import { Policy } from '../model/policy.js';

interface JsonSchemaProperty {
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchemaProperty>;
}

/** Each policy key with its meaning and its default as a person writes it (`15m`, not ms). */
export function policySettings(): {
  key: string;
  description: string;
  default: unknown;
  children: { key: string; description: string }[];
}[] {
  const json = z.toJSONSchema(Policy, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, JsonSchemaProperty>;
  };
  return Object.entries(json.properties).map(([key, property]) => ({
    key,
    description: property.description ?? '',
    default: property.default,
    children: Object.entries(property.properties ?? {}).map(([child, value]) => ({
      key: child,
      description: value.description ?? '',
    })),
  }));
}

/**
 * inventory/policy.yaml for a new repo: every setting, commented out, at its default, with
 * its meaning. Generated from the schema's defaults and describe() texts so it cannot
 * drift from what reconcile actually uses.
 */
export function renderPolicyTemplate(): string {
  const lines = [
    '# yaml-language-server: $schema=../schema/policy.schema.json',
    '# labwarden policy. Every setting is optional: each is shown commented out at its default.',
    '# Uncomment a line and change the value to override it. Durations: 30s, 15m, 1h30m, 2d.',
  ];
  for (const setting of policySettings()) {
    lines.push('');
    if (setting.description) lines.push(`# ${setting.description}`);
    for (const child of setting.children) if (child.description) lines.push(`#   ${child.key}: ${child.description}`);
    if (setting.default === undefined) {
      lines.push(`# ${setting.key}:    # not set by default`);
      continue;
    }
    const yaml = stringify({ [setting.key]: setting.default }, { flowCollectionPadding: false }).trimEnd();
    for (const line of yaml.split('\n')) lines.push(`# ${line}`);
  }
  return `${lines.join('\n')}\n`;
}
