import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportError } from '../../src/cli/output.js';
import {
  type AirgapError,
  ExitCode,
  type ExitCodeName,
  fromSystemError,
  invariantBroken,
  missingTool,
} from '../../src/errors.js';
import { parseRecord } from '../../src/model/record.js';
import { projectRoot } from '../helpers/ops-repo.js';

afterEach(() => vi.restoreAllMocks());

function quietly<T>(run: () => T): { result: T; stderr: string } {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const result = run();
  vi.restoreAllMocks();
  // picocolors colours output when CI is set; the text is what is checked here.
  return { result, stderr: lines.join('').replace(/\u001b\[[0-9;]*m/g, '') };
}

function errno(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} ${path}`), { code, syscall, path });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the exit-code table', () => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Exit codes'));
  const rows = [...table.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => Number(m[1]));

  it('lists every exit code in the README, and nothing else', () => {
    expect([...rows].sort((a, b) => a - b)).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
  });

  it('has a place in src/ that raises each code (ok, failure and bug aside)', () => {
    // The table itself does not count as raising a code.
    const source = sourceFiles(join(projectRoot, 'src'))
      .map((f) => readFileSync(f, 'utf8').replace(/export const ExitCode = \{[^}]*\}/, ''))
      .join('\n');
    const unraised = (Object.keys(ExitCode) as ExitCodeName[]).filter(
      (name) =>
        !['ok', 'failure', 'bug'].includes(name) &&
        !source.includes(`'${name}'`) &&
        !source.includes(`ExitCode.${name}`),
    );
    expect(unraised).toEqual([]);
  });

  it.each([
    ['ENOSPC', 'write', 'noSpace', 'no space left on the device holding /out/x.tar.gz'],
    ['EDQUOT', 'write', 'noSpace', 'no space left'],
    ['EACCES', 'open', 'permission', 'permission denied: cannot open /out/x.tar.gz'],
    ['EPERM', 'rename', 'permission', 'permission denied: cannot rename /out/x.tar.gz'],
    ['EROFS', 'mkdir', 'readOnly', '/out/x.tar.gz is on a read-only file system'],
    ['ENOENT', 'spawn git', 'missingTool', '/out/x.tar.gz is not installed or not on PATH'],
  ])(
    'maps %s (%s) to its own exit code with the path, not to "bug"',
    (code, syscall, name, text) => {
      const { result, stderr } = quietly(() =>
        reportError(errno(code, syscall, '/out/x.tar.gz'), {}),
      );
      expect(result).toBe(ExitCode[name as ExitCodeName]);
      expect(stderr).toContain(text);
      expect(stderr).toContain('hint: ');
      expect(stderr).not.toContain('bug');
      expect(stderr.trim().split('\n')).toHaveLength(2);
    },
  );

  it('maps a real ENOSPC (a write to /dev/full) to exit 30', () => {
    let thrown: unknown;
    try {
      writeFileSync('/dev/full', 'x');
    } catch (error) {
      thrown = error;
    }
    expect(fromSystemError(thrown)?.exitCode).toBe(30);
  });

  it('maps a real missing program to exit 34', async () => {
    const error = await new Promise<unknown>((resolve) => {
      spawn('airgap-no-such-tool-xyz').on('error', resolve);
    });
    const mapped = fromSystemError(error);
    expect(mapped?.exitCode).toBe(34);
    expect(mapped?.message).toBe('airgap-no-such-tool-xyz is not installed or not on PATH');
    expect(missingTool('ssh-keygen').hint).toContain('openssh-client');
  });

  it('names a damaged record with its line, as exit 33', () => {
    const error = (() => {
      try {
        parseRecord('{\n  "id": "a",\n  oops\n}', 'bundles/records/a.json');
      } catch (e) {
        return e as AirgapError;
      }
    })();
    expect(error?.exitCode).toBe(33);
    expect(error?.message).toMatch(
      /^bundles\/records\/a\.json: not a bundle record: .* \(line 3\)$/,
    );
  });

  it('exits 70 when an invariant of airgap breaks, as for any bug', () => {
    const { result, stderr } = quietly(() =>
      reportError(invariantBroken('the bundle content was not scanned'), {}),
    );
    expect(result).toBe(70);
    expect(ExitCode.bug).toBe(70);
    expect(stderr).toContain('error: internal: the bundle content was not scanned');
    expect(stderr).toContain('hint: this is a bug in airgap');
  });

  it('keeps exit 70 for what is not a condition of the machine', () => {
    const { result } = quietly(() => reportError(new TypeError('x is undefined'), {}));
    expect(result).toBe(70);
    expect(fromSystemError(errno('ENOENT', 'open', '/x'))).toBeUndefined();
    expect(execFileSync('node', ['-e', 'process.exit(0)']).length).toBe(0);
  });
});
