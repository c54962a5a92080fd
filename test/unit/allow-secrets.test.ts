import { describe, expect, it } from 'vitest';
import {
  allowMatcher,
  allowSecretsSnippet,
  assertShippable,
} from '../../src/bundle/allow-secrets.js';
import type { ContentProblem } from '../../src/bundle/manifests.js';
import { expectAirgapError } from '../helpers/errors.js';

const secret = (path: string, line: number, message: string): ContentProblem => ({
  path,
  line,
  kind: 'secret',
  message,
});

describe('allowSecrets', () => {
  it('matches exact paths and globs, the first entry that matches giving the reason', () => {
    const match = allowMatcher([
      { path: 'k8s/a.yaml', reason: 'exact' },
      { path: 'k8s/monitoring/*-secret.yaml', reason: 'glob' },
      { path: 'k8s/**', reason: 'everything else' },
    ]);
    expect(match('k8s/a.yaml')?.reason).toBe('exact');
    expect(match('k8s/monitoring/grafana-secret.yaml')?.reason).toBe('glob');
    expect(match('k8s/monitoring/deep/x-secret.yaml')?.reason).toBe('everything else');
    expect(match('other/a.yaml')).toBeUndefined();
  });

  it('writes the whole key, or only entries when the spec already has one; each path once', () => {
    expect(allowSecretsSnippet(['a.yaml', 'a.yaml', 'b c.yaml'], false)).toEqual([
      'allowSecrets:',
      '  - path: "a.yaml"',
      '    reason: "<why this file is safe to ship>"',
      '  - path: "b c.yaml"',
      '    reason: "<why this file is safe to ship>"',
    ]);
    expect(allowSecretsSnippet(['a.yaml'], true)).toEqual([
      '- path: "a.yaml"',
      '  reason: "<why this file is safe to ship>"',
    ]);
  });
});

describe('assertShippable', () => {
  it('turns harmless-Secret notes and allowed secrets into warnings', () => {
    const warnings: string[] = [];
    assertShippable(
      [
        { path: 'm/g.yaml', line: 1, kind: 'warning', message: 'Secret g ships: it has no data' },
        secret('m/db.yaml', 7, 'Secret db: data.password is a password, token or key field'),
      ],
      [{ path: 'm/*.yaml', reason: 'test fixture values' }],
      warnings,
    );
    expect(warnings).toEqual([
      'm/g.yaml:1: Secret g ships: it has no data',
      'm/db.yaml: Secret db: data.password is a password, token or key field (allowed: test fixture values)',
    ]);
  });

  it('lists every refused file at once, without the whole-file finding a Secret verdict repeats', async () => {
    const error = await expectAirgapError(
      Promise.resolve().then(() =>
        assertShippable(
          [
            secret('m/db.yaml', 7, 'holds a password, token or API key value'),
            secret('m/db.yaml', 7, 'Secret db: data.password is a password, token or key field'),
            secret('m/other.yaml', 3, 'holds an AWS access key id'),
            { path: 'm/bad.yaml', line: 2, kind: 'yaml', message: 'invalid YAML: x' },
          ],
          [],
          [],
          'bundles/dev.yaml',
        ),
      ),
    );
    expect(error.exitCode).toBe(5);
    expect(error.message).toBe(
      '3 file(s) refused (3 problem(s), 2 with secrets); nothing was written',
    );
    expect(error.details).toEqual([
      'm/db.yaml:7: Secret db: data.password is a password, token or key field',
      'm/other.yaml:3: holds an AWS access key id',
      'm/bad.yaml:2: invalid YAML: x',
    ]);
    const hint = error.hint ?? '';
    expect(hint).toMatch(/^fix the other problems above and commit; for the secrets, remove/);
    expect(hint).toContain('bundles/dev.yaml');
    expect(hint).not.toContain('m/bad.yaml');
    expect(hint.split('\n').filter((l) => l.includes('- path:'))).toEqual([
      '    - path: "m/db.yaml"',
      '    - path: "m/other.yaml"',
    ]);
  });

  it('refuses without a snippet when nothing is a secret', async () => {
    const error = await expectAirgapError(
      Promise.resolve().then(() =>
        assertShippable(
          [{ path: 'm/bad.yaml', line: 2, kind: 'manifest', message: 'lacks kind' }],
          [],
          [],
        ),
      ),
    );
    expect(error.exitCode).toBe(3);
    expect(error.hint).toBe('fix each file above and commit');
  });
});
