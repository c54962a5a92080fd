import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportError, wrapWords } from '../../src/cli/output.js';
import { AirgapError } from '../../src/errors.js';

function captureStderr() {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('reportError: the one place errors become messages and exit codes', () => {
  it('prints message, details and hint of a user-facing error, without a stack', () => {
    const out = captureStderr();
    const code = reportError(
      new AirgapError('3 files differ from HEAD', {
        details: ['modified: a.yaml'],
        hint: 'commit them',
        code: 'dirtyTree',
      }),
      {},
    );
    expect(code).toBe(4);
    const text = out.join('');
    expect(text).toContain('3 files differ from HEAD');
    expect(text).toContain('  modified: a.yaml');
    expect(text).toContain('commit them');
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('wraps message, details and hint at 80 columns between words, a path whole', () => {
    const out = captureStderr();
    const target = 's3://acme-airgap-production-artifacts/bundles/dev/dev-topics-0123456789ab';
    const hint =
      'in CloudShell they are automatic; elsewhere run `aws configure`, set AWS_PROFILE or pass --profile';
    const detail = `bundles/x.yaml:4: files[0] "k8s/uat/**" matches no committed file: ${'x'.repeat(40)}`;
    const message = `no AWS credentials found for upload on ${target}`;
    reportError(new AirgapError(message, { details: [detail], hint, code: 'awsCredentials' }), {});
    const lines = out
      .join('')
      .replace(/\u001b\[[0-9;]*m/g, '')
      .trimEnd()
      .split('\n');
    expect(lines).toEqual([
      'error: no AWS credentials found for upload on',
      `       ${target}`,
      '  bundles/x.yaml:4: files[0] "k8s/uat/**" matches no committed file:',
      `    ${'x'.repeat(40)}`,
      'hint: in CloudShell they are automatic; elsewhere run `aws configure`, set',
      '      AWS_PROFILE or pass --profile',
    ]);
  });

  it('puts a word too wide for its indent at two columns or the margin, never cut', () => {
    const out = captureStderr();
    const path = `/tmp/${'p'.repeat(70)}/x.yaml`; // 82 columns: wider than any line
    const image = `111122223333.dkr.ecr.us-east-1.amazonaws.com/${'i'.repeat(28)}:1.0`; // 77
    const longer = `${image}0`; // 78: the widest that fits at two columns
    reportError(
      new AirgapError(`cannot read ${path}`, {
        details: [`no ECR ${image}`, `no ECR ${longer}`, `no ECR ${'i'.repeat(79)}`],
      }),
      {},
    );
    // Images of one list start in line (two columns), whatever their length; what does not
    // fit there starts at the margin.
    expect(out.join('').replace(/\u001b\[[0-9;]*m/g, '')).toBe(
      `error: cannot read\n${path}\n  no ECR\n  ${image}\n  no ECR\n  ${longer}\n  no ECR\n${'i'.repeat(79)}\n`,
    );
  });

  it('lets a word set left of its indent stand alone: the words after it go on at the indent', () => {
    // n9's finding 3: the redis reference (75 columns) at column 2, then ` in` on its line,
    // left of the warning's text at column 9.
    const ref = '111122223333.dkr.ecr.us-east-1.amazonaws.com/library/redis:7.2.4-alpine3.19';
    expect(
      wrapWords(
        'warning: ',
        `x.yaml:11: redis is pulled from docker.io: write ${ref} in the manifests`,
      ),
    ).toEqual([
      'warning: x.yaml:11: redis is pulled from docker.io: write',
      `  ${ref}`,
      '         in the manifests',
    ]);
  });
  it('keeps the lines of a hint that has its own (a YAML snippet to paste)', () => {
    const out = captureStderr();
    const hint = `allow it in the spec:\n  allowSecrets:\n    - path: "${'k8s/dev/'.repeat(8)}x.yaml"\n      reason: "…"`;
    reportError(new AirgapError('refused', { hint, code: 'unsafeContent' }), {});
    expect(out.join('').replace(/\u001b\[[0-9;]*m/g, '')).toBe(`error: refused\nhint: ${hint}\n`);
  });

  it('calls anything else a bug, with the stack only under --debug', () => {
    const quiet = captureStderr();
    expect(reportError(new TypeError('x is undefined'), {})).toBe(70);
    expect(quiet.join('')).toContain('this is a bug in airgap: x is undefined');
    expect(quiet.join('')).not.toMatch(/\n\s+at /);
    vi.restoreAllMocks();
    const loud = captureStderr();
    reportError(new TypeError('x is undefined'), { debug: true });
    expect(loud.join('')).toMatch(/\n\s+at /);
  });

  it('prints one JSON object on stdout with --json', () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    reportError(new AirgapError('nope', { code: 'conflict' }), { json: true });
    expect(JSON.parse(writes.join(''))).toMatchObject({ ok: false, error: 'nope', exitCode: 7 });
  });
});
