import { Command, type CommanderError, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { type AnyCommand, addCommand, normaliseFlags } from '../../src/cli/command.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { ExitCode } from '../../src/errors.js';

/** A program with the declared commands that throws instead of exiting and prints nothing. */
function program(run = async (action: () => Promise<void>) => action()): Command {
  const p = new Command()
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const command of COMMANDS) addCommand(p, command, run);
  return p;
}

function parseError(args: string[]): CommanderError {
  const p = program();
  try {
    p.parse(['node', 'airgap', ...args]);
  } catch (error) {
    return error as CommanderError;
  }
  throw new Error(`${args.join(' ')} parsed`);
}

describe('the CLI declarations (src/cli/commands.ts)', () => {
  it('declares each library command once', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual([
      'bundle',
      'upload',
      'ingest',
      'status',
      'init',
      'discard',
    ]);
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s passes every option it declares to the library (or marks it cliOnly)',
    (_name, command: AnyCommand) => {
      // A distinct value for each option: an option the mapping forgets is missing below.
      const raw: Record<string, unknown> = {};
      for (const spec of command.options) {
        const option = new Option(spec.flags);
        raw[option.attributeName()] = option.negate
          ? false
          : option.isBoolean()
            ? true
            : (spec.choices?.at(-1) ?? `value-of-${option.attributeName()}`);
      }
      const flags = normaliseFlags(command.options, raw);
      const options = command.toOptions(
        command.arguments.map((_, i) => `argument-${i}`),
        flags,
      ) as Record<string, unknown>;
      const passed = new Set(Object.values(options));
      for (const spec of command.options.filter((o) => !o.cliOnly)) {
        const key = new Option(spec.flags).attributeName();
        expect(options[key], `${command.name} ${spec.flags}`).toBe(flags[key]);
      }
      for (const [i] of command.arguments.entries()) expect(passed).toContain(`argument-${i}`);
    },
  );

  it('normalises flags once: switches are booleans, absent or empty values are left out', () => {
    const options = [
      { flags: '--repo <dir>', description: '' },
      { flags: '--prefix <prefix>', description: '', keepEmpty: true },
      { flags: '--dry-run', description: '' },
      { flags: '--no-redact', description: '' },
    ];
    expect(normaliseFlags(options, {})).toEqual({ dryRun: false, redact: true });
    expect(normaliseFlags(options, { repo: '', prefix: '', dryRun: true, redact: false })).toEqual({
      prefix: '',
      dryRun: true,
      redact: false,
    });
    expect(normaliseFlags(options, { repo: 'ops', json: true })).toEqual({
      repo: 'ops',
      dryRun: false,
      redact: true,
      json: true,
    });
  });

  it('refuses a --format or --sse outside its choices before any work (commander)', () => {
    const format = parseError(['bundle', 'dev', '--format', 'rar']);
    expect(format.code).toBe('commander.invalidArgument');
    expect(format.message).toContain('tar.gz, zip');
    const sse = parseError(['upload', 'out/x', '--sse', 'aes256']);
    expect(sse.code).toBe('commander.invalidArgument');
    expect(sse.message).toContain('AES256, aws:kms');
    expect(parseError(['discard', 'x']).code).toBe('commander.missingMandatoryOptionValue');
  });

  it('gives every command --json, and the --check flags their own exit codes', () => {
    const p = program();
    for (const c of p.commands) expect(c.options.map((o) => o.long)).toContain('--json');
    const status = COMMANDS.find((c) => c.name === 'status')!;
    const attention = { environments: [], attention: ['dev: x is prepared but not deployed'] };
    expect(status.exitCode?.(attention, { check: true })).toBe('attention');
    expect(status.exitCode?.(attention, { check: false })).toBeUndefined();
    expect(status.exitCode?.({ environments: [], attention: [] }, { check: true })).toBeUndefined();
    expect(ExitCode.attention).not.toBe(ExitCode.failure);
    const ingest = COMMANDS.find((c) => c.name === 'ingest')!;
    expect(ingest.exitCode?.({ status: 'failed' }, { check: true })).toBe('outcomeFailed');
    expect(ingest.exitCode?.({ status: 'partial' }, { check: true })).toBe('outcomeIncomplete');
    expect(ingest.exitCode?.({ status: 'deployed' }, { check: true })).toBeUndefined();
    expect(ingest.exitCode?.({ status: 'failed' }, { check: false })).toBeUndefined();
  });

  it('hands the action the arguments and normalised flags', async () => {
    const seen: unknown[] = [];
    const spy: AnyCommand = {
      name: 'spy',
      description: '',
      arguments: [
        ['<a>', ''],
        ['[b]', ''],
      ],
      options: [
        { flags: '--repo <dir>', description: '' },
        { flags: '--dry-run', description: '' },
      ],
      toOptions: (args, flags) => ({ args, flags }),
      call: async (options) => {
        seen.push(options);
        return {};
      },
      print: () => {},
    };
    const p = new Command().exitOverride();
    addCommand(p, spy, async (action) => action());
    await p.parseAsync(['node', 'airgap', 'spy', 'one', '--repo', '']);
    expect(seen).toEqual([{ args: ['one', undefined], flags: { dryRun: false } }]);
  });
});
