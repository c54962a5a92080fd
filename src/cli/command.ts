import { type Command, Option } from 'commander';
import { ExitCode, type ExitCodeName } from '../errors.js';
import { printJson } from './output.js';

/** One option of a command, as `airgap <command> --help` shows it. */
export interface OptionSpec {
  /** Commander's flags: `--repo <dir>`, `--allow-dirty`, `--no-redact`. */
  readonly flags: string;
  readonly description: string;
  /** The only values accepted: commander refuses any other as a usage error (exit 2). */
  readonly choices?: readonly string[];
  readonly default?: string;
  readonly required?: boolean;
  /** An empty value is a value (`--prefix ''` is the bucket's root), not the option left out. */
  readonly keepEmpty?: boolean;
  /** Read by the CLI itself (an exit code), not passed to the library. */
  readonly cliOnly?: boolean;
}

/**
 * A command as data: what it accepts, how that maps to the library's options, how the result
 * is printed. Adding a command is one declaration in cli/commands.ts; every declaration gets
 * `--json`, the flag normaliser and the error reporting from addCommand, the one place the
 * CLI touches commander.
 */
export interface CommandSpec<Flags, Options, Result> {
  readonly name: string;
  readonly description: string;
  /** Positional arguments in commander's notation: `<spec>` required, `[dir]` optional. */
  readonly arguments: ReadonlyArray<readonly [name: string, description: string]>;
  readonly options: readonly OptionSpec[];
  /** The library's options from the arguments and the normalised flags: pure, so testable. */
  toOptions(args: ReadonlyArray<string | undefined>, flags: Flags): Options;
  /** Calls the library (upload adds its progress bar and Ctrl-C handling here). */
  call(options: Options, flags: Flags): Promise<Result>;
  /** The text a person reads; --json prints `json(result)` instead. */
  print(result: Result, flags: Flags): void;
  /** What --json prints; `{ ok: true, ...result }` when left out. */
  json?(result: Result, flags: Flags): unknown;
  /** The exit code of a call that succeeded (the --check flags); 0 when left out. */
  exitCode?(result: Result, flags: Flags): ExitCodeName | undefined;
}

/** A declaration with its types erased, so the commands can be held in one list. */
// biome-ignore lint/suspicious/noExplicitAny: the list holds commands of different types.
export type AnyCommand = CommandSpec<any, any, any>;

/** Runs a command's action; reports what it throws and sets the exit code. */
export type Runner = (action: () => Promise<void>, json: boolean) => Promise<void>;

/**
 * The one flag normaliser. Commander leaves an option that was not given undefined and a
 * switch undefined or true; the library wants its own defaults used for anything not given.
 * So: a switch is always a boolean (false when absent, true when a `--no-` one is absent),
 * and a value option that is absent or empty is left out (unless `keepEmpty`).
 */
export function normaliseFlags(
  options: readonly OptionSpec[],
  raw: Readonly<Record<string, unknown>>,
): Record<string, string | boolean> {
  const flags: Record<string, string | boolean> = {};
  for (const spec of options) {
    const option = new Option(spec.flags);
    const key = option.attributeName();
    const value = raw[key];
    // A `--no-x` switch defaults to true; commander's isBoolean() is false for it.
    if (option.negate) flags[key] = value !== false;
    else if (option.isBoolean()) flags[key] = value === true;
    else if (typeof value === 'string' && (value !== '' || spec.keepEmpty)) flags[key] = value;
  }
  if (raw.json === true) flags.json = true;
  return flags;
}

/** Adds one declared command to the program. */
export function addCommand(program: Command, spec: AnyCommand, run: Runner): void {
  const command = program.command(spec.name).description(spec.description);
  for (const [name, description] of spec.arguments) command.argument(name, description);
  for (const o of spec.options) {
    const option = new Option(o.flags, o.description);
    if (o.choices) option.choices(o.choices);
    if (o.default !== undefined) option.default(o.default);
    if (o.required) option.makeOptionMandatory();
    command.addOption(option);
  }
  command.option('--json', 'print a JSON result instead of text');
  // The program's text names no command; a usage error here points at this one's help.
  command.showHelpAfterError(`(run airgap ${spec.name} --help for usage)`);
  command.action((...params: unknown[]) => {
    // Commander passes the arguments, then the options object, then the command.
    const args = params.slice(0, spec.arguments.length) as Array<string | undefined>;
    const flags = normaliseFlags(spec.options, command.opts());
    const json = flags.json === true;
    return run(async () => {
      const result = await spec.call(spec.toOptions(args, flags), flags);
      if (json) printJson(spec.json ? spec.json(result, flags) : { ok: true, ...result });
      else spec.print(result, flags);
      const code = spec.exitCode?.(result, flags);
      if (code) process.exitCode = ExitCode[code];
    }, json);
  });
}
