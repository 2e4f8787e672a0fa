import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, main } from '../src/cli/main.js';
import type { Io } from '../src/cli/io.js';

function captureIo(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    color: false,
    exitCode: 0,
    stdout: () => out,
    stderr: () => err,
  };
}

/** Every command path the program registers, nested ones included (`maintenance enter`). */
function commandPaths(command: Command, prefix: string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((child) => {
    const path = [...prefix, child.name()];
    return [{ path, command: child }, ...commandPaths(child, path)];
  });
}

const COMMANDS = commandPaths(buildProgram(captureIo()));

async function run(argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('help and suggestions for every command', () => {
  it('registers the onboarding commands', () => {
    expect(COMMANDS.map((entry) => entry.path.join(' '))).toEqual(
      expect.arrayContaining(['init', 'discover', 'validate', 'reconcile']),
    );
  });

  it('labwarden --help lists every command and an example', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const entry of COMMANDS.filter((entry) => entry.path.length === 1))
      expect(result.stdout).toContain(entry.path[0]);
    expect(result.stdout).toMatch(/Examples?:\n {2}labwarden /);
  });

  it.each(COMMANDS.map((entry) => [entry.path.join(' '), entry] as const))(
    '%s --help: usage, every option with its default, one example',
    async (_name, entry) => {
      const result = await run([...entry.path, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: labwarden ${entry.path.join(' ')}`);
      for (const option of entry.command.options) {
        expect(result.stdout).toContain(option.long ?? option.short);
        // Help wraps long lines; compare with whitespace collapsed.
        if (option.defaultValue !== undefined && option.defaultValue !== false) {
          const shown = option.defaultValueDescription ?? JSON.stringify(option.defaultValue);
          expect(result.stdout.replace(/\s+/g, ' ')).toContain(`(default: ${shown})`);
        }
      }
      // Command groups show their subcommands' examples; leaf commands show their own.
      if (entry.command.commands.length === 0) expect(result.stdout).toMatch(/Examples?:\n {2}labwarden /);
    },
  );

  const LEAVES = COMMANDS.filter((entry) => entry.command.commands.length === 0 && entry.path[0] !== 'help');
  it.each(LEAVES.map((entry) => [entry.path.join(' '), entry] as const))('%s takes --repo', (_name, entry) => {
    expect(entry.command.options.map((option) => option.long)).toContain('--repo');
  });

  // A duration's default is shown as it is typed (`5s`), and typing what help shows gives the default.
  const DURATIONS = COMMANDS.flatMap((entry) =>
    entry.command.options
      .filter((option) => option.flags.includes('<duration>'))
      .map((option) => [`${entry.path.join(' ')} ${option.long}`, entry, option] as const),
  );

  it('finds the duration options', () => {
    const names = DURATIONS.map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining(['observe --timeout', 'run --every', 'silence --for', 'init --every']),
    );
  });

  const WITH_DEFAULT = DURATIONS.filter(([, , option]) => option.defaultValue !== undefined);
  it.each(WITH_DEFAULT)('%s: default shown in duration syntax, and it parses back', async (_name, entry, option) => {
    const result = await run([...entry.path, '--help']);
    const shown = /\(default: ([^)]+)\)/.exec(result.stdout.slice(result.stdout.indexOf(option.long!)))![1]!;
    expect(shown).toMatch(/^(\d+(ms|s|m|h|d|w))+$/);
    expect(option.parseArg ? option.parseArg(shown, undefined) : shown).toEqual(option.defaultValue);
  });

  it.each(
    COMMANDS.filter((entry) => entry.command.options.some((option) => option.long)).map(
      (entry) => [entry.path.join(' '), entry] as const,
    ),
  )('%s: a misspelt option suggests the right one', async (_name, entry) => {
    // Mandatory options and arguments are filled in, so the typo is the only thing wrong.
    const long = (entry.command.options.find((option) => option.long && !option.mandatory) ??
      entry.command.options.find((option) => option.long))!.long!;
    const typo = long.slice(0, -1);
    const mandatory = entry.command.options
      .filter((option) => option.mandatory && option.long !== long)
      .flatMap((option) => [option.long!, option.argChoices?.[0] ?? 'x']);
    const args = entry.command.registeredArguments
      .filter((argument) => argument.required)
      .map((argument) => argument.argChoices?.[0] ?? 'x');
    const result = await run([...entry.path, ...args, ...mandatory, typo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`unknown option '${typo}'`);
    expect(result.stderr).toContain(`Did you mean ${long}?`);
  });

  it.each(
    COMMANDS.filter((entry) => entry.path.length === 1 && entry.path[0]!.length > 3).map(
      (entry) => [entry.path[0]!] as const,
    ),
  )('a misspelt command "%s" suggests the right one', async (name) => {
    const typo = `${name.slice(0, -2)}${name.slice(-1)}`;
    const result = await run([typo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Did you mean ${name}?`);
  });

  it.each(
    COMMANDS.filter((entry) => entry.command.commands.length > 0 && entry.path[0] !== 'help').map(
      (entry) => [entry.path.join(' ')] as const,
    ),
  )('"%s" without its subcommand is a usage error: help on stderr, exit 2', async (name) => {
    const result = await run(name.split(' '));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Usage: labwarden ${name} [options] [command]`);
    expect(result.stdout).toBe('');
  });

  it.each(
    [['help'], ['help', 'maintenance'], ['maintenance', 'help'], ['site', 'help', 'build']].map(
      (argv) => [argv.join(' '), argv] as const,
    ),
  )('"%s" asks for help: exit 0', async (_name, argv) => {
    const result = await run([...argv]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: labwarden');
  });
});
