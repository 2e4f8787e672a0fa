import { z } from 'zod';
import { HostFile, ServicesFile } from './inventory.js';
import { Policy } from './policy.js';
import { WorldSnapshot } from './world.js';
import { Skill } from './skill.js';

/** The JSON Schema files `labwarden schema` writes, for editor completion (yaml-language-server). */
export const SCHEMA_FILES = {
  'services.schema.json': { schema: ServicesFile, title: 'labwarden inventory/hosts/<node>/services.yaml' },
  'host.schema.json': { schema: HostFile, title: 'labwarden inventory/hosts/<node>/host.yaml' },
  'world.schema.json': { schema: WorldSnapshot, title: 'labwarden world/nodes/<node>.yaml' },
  'policy.schema.json': { schema: Policy, title: 'labwarden inventory/policy.yaml' },
  'skill.schema.json': { schema: Skill, title: 'labwarden inventory/skills/<id>.yaml' },
} as const;

export function jsonSchemaOf(name: keyof typeof SCHEMA_FILES): string {
  const { schema, title } = SCHEMA_FILES[name];
  // Input side: what a person writes (durations as text, defaults optional), not the parsed form.
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...json, title }, null, 2)}\n`;
}
