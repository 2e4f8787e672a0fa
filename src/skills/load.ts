import { readdirSync } from 'node:fs';
import type { Problem } from '../errors/problem.js';
import { RepoPathError, RepoRoot } from '../fs/safe-path.js';
import { LIMITS } from '../model/limits.js';
import { Skill } from '../model/skill.js';
import { Locator, parseSource } from '../repo/index.js';
import { BUILTIN_SKILLS } from './builtin.js';

export const SKILLS_DIR = 'inventory/skills';

export interface SkillCatalogue {
  /** Built-in skills with the homelab's own applied (same id: replaced), sorted by id. */
  skills: Skill[];
  /** Where each skill comes from: `built-in` or the file that defines it. */
  origin: Map<string, string>;
  /** Every problem in inventory/skills/, located; a skill with a problem is left out. */
  problems: Problem[];
}

/** The built-in families, parsed once per call (cheap: a few dozen objects). */
export function builtinSkills(): Skill[] {
  return BUILTIN_SKILLS.map((input) => Skill.parse(input));
}

/**
 * Reads inventory/skills/*.yaml (one skill per file, named after its id) through the repo's one
 * path rule and size limits, validates each with located problems, and applies them over the
 * built-in families. A missing folder is no problem: the built-ins apply.
 */
export function loadSkills(repo: string): SkillCatalogue {
  const root = new RepoRoot(repo);
  const problems: Problem[] = [];
  const byId = new Map<string, Skill>(builtinSkills().map((skill) => [skill.id, skill]));
  const origin = new Map<string, string>([...byId.keys()].map((id) => [id, 'built-in']));
  const own = new Map<string, string>();
  let names: string[] = [];
  try {
    const dir = root.dir(SKILLS_DIR);
    if (dir !== null)
      names = readdirSync(dir)
        .filter((name) => /\.(ya?ml|json)$/.test(name))
        .sort();
  } catch (error) {
    if (!(error instanceof RepoPathError)) throw error;
    problems.push({
      code: error.code,
      file: error.file,
      line: 1,
      col: 1,
      message: error.message.slice(error.file.length + 2),
    });
  }
  for (const name of names) {
    const relative = `${SKILLS_DIR}/${name}`;
    let text: string | undefined;
    try {
      text = root.read(relative, { maxBytes: LIMITS.inventoryFileBytes });
    } catch (error) {
      if (!(error instanceof RepoPathError)) throw error;
      problems.push({
        code: error.code,
        file: error.file,
        line: 1,
        col: 1,
        message: error.message.slice(error.file.length + 2),
      });
      continue;
    }
    if (text === undefined) continue;
    const file = { path: relative, text };
    const parsed = parseSource(file, Skill);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const skill = parsed.value;
    const stem = name.replace(/\.(ya?ml|json)$/, '');
    if (skill.id !== stem) {
      problems.push(
        new Locator(file).problemAt(['id'], 'invalid_value', `id "${skill.id}" must match the file name (${stem})`),
      );
      continue;
    }
    const earlier = own.get(skill.id);
    if (earlier) {
      problems.push(
        new Locator(file).problemAt(['id'], 'invalid_value', `skill "${skill.id}" is already defined in ${earlier}`),
      );
      continue;
    }
    own.set(skill.id, relative);
    byId.set(skill.id, skill);
    origin.set(skill.id, relative);
  }
  const skills = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { skills, origin, problems };
}
