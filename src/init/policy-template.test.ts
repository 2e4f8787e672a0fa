import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, Policy } from '../model/policy.js';
import { policySettings, renderPolicyTemplate } from './policy-template.js';

describe('policy template', () => {
  it('names every policy key, each with its meaning', () => {
    const template = renderPolicyTemplate();
    for (const key of Object.keys(Policy.shape)) expect(template).toMatch(new RegExp(`^# ${key}:`, 'm'));
    for (const setting of policySettings()) expect(setting.description, setting.key).not.toBe('');
  });

  it('is valid as it is (all commented out) and, uncommented, says exactly the defaults', () => {
    const template = renderPolicyTemplate();
    expect(parse(template) ?? {}).toEqual({});
    const uncommented = template
      .split('\n')
      .filter((line) => /^# [a-z_]+:|^#   [a-z_]+: \[/.test(line) && !line.includes('not set by default'))
      .map((line) => line.slice(2))
      .join('\n');
    expect(Policy.parse(parse(uncommented))).toEqual(defaultPolicy());
  });
});
