import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { expectAirgapError } from '../helpers/errors.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import { credentialSecrets, harmlessSecrets } from '../helpers/operator-fixtures.js';
import { commitAll, runCli } from '../helpers/ops-repo.js';

const dir = 'k8s/dev/monitoring';
const specFile = 'bundles/dev-monitoring.yaml';

/** A committed ops repo whose dev-monitoring spec ships `files` alone: no steps, no allowSecrets. */
async function repoWith(files: Record<string, string>, extraSpec = ''): Promise<OpsRepo> {
  const repo = await opsRepo();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo.path, path)), { recursive: true });
    writeFileSync(join(repo.path, path), text);
  }
  writeFileSync(
    join(repo.path, specFile),
    [
      'name: dev-monitoring',
      'environment: dev',
      'description: Monitoring stack for DEV',
      'files:',
      `  - ${dir}/**`,
      's3: { bucket: acme-airgap, prefix: bundles/dev, region: us-east-1 }',
      extraSpec,
    ].join('\n'),
  );
  commitAll(repo.path, 'monitoring manifests');
  return repo;
}

const credentials = credentialSecrets(dir);
const credentialFiles = Object.fromEntries(
  Object.entries(credentials).map(([path, { text }]) => [path, text]),
);

describe('Secrets in manifests', () => {
  it('ships Secrets that hold no credential, with a warning naming each', async () => {
    const harmless = harmlessSecrets(dir);
    await using repo = await repoWith(harmless);
    const result = await bundle({ spec: 'dev-monitoring', repo: repo.path, out: repo.dir() });
    expect(result.record.files.map((f) => f.path)).toEqual(Object.keys(harmless).sort());
    const warnings = result.warnings.join('\n');
    expect(warnings).toContain(
      `${dir}/grafana-config.yaml:1: Secret monitoring/grafana-config ships: no credential found in grafana.ini`,
    );
    expect(warnings).toContain('Secret monitoring/grafana-datasources ships');
    expect(warnings).toContain('Secret monitoring/alertmanager-main ships');
    expect(warnings).toContain('Secret monitoring/additional-scrape-configs ships');
    expect(warnings).toContain(
      `${dir}/operator-webhook-cert.yaml:1: Secret monitoring/operator-webhook-cert ships: it has no data`,
    );
    // The default plan applies them like any other manifest (by file, or their folder whole).
    const commands = result.record.units.map((u) => u.command ?? '').join('\n');
    expect(commands).toMatch(/kubectl apply .*k8s\/dev\/monitoring/);
  });

  it('refuses every credential Secret at once, with file and line and a snippet that pastes', async () => {
    await using repo = await repoWith({ ...harmlessSecrets(dir), ...credentialFiles });
    const error = await expectAirgapError(
      bundle({ spec: 'dev-monitoring', repo: repo.path, out: repo.dir() }),
    );
    expect(error.exitCode).toBe(5);
    expect(error.message).toMatch(/^3 file\(s\) refused \(\d+ problem\(s\), 3 with secrets\)/);
    const details = error.details.join('\n');
    for (const [path, { line }] of Object.entries(credentials))
      expect(details).toMatch(new RegExp(`^${path}:${line}: Secret `, 'm'));
    expect(details).toContain(
      `${dir}/db-credentials.yaml:7: Secret apps/db-credentials: data.password`,
    );
    expect(details).toContain('slack-webhook-url');
    expect(details).toContain('password-assignment');
    // Harmless Secrets are not among the refusals.
    expect(details).not.toContain('grafana-config');
    const hint = error.hint ?? '';
    expect(hint).toContain(specFile);
    for (const line of hint.split('\n')) expect(line.length).toBeLessThanOrEqual(74);
    // The snippet, pasted as printed with each reason written, lets exactly those files through.
    const snippet = hint
      .split('\n')
      .filter((line) => line.startsWith('  '))
      .map((line) => line.slice(2).replace('<why this file is safe to ship>', 'test values only'));
    expect(snippet[0]).toBe('allowSecrets:');
    expect(snippet.filter((line) => line.includes('- path:'))).toHaveLength(3);
    writeFileSync(
      join(repo.path, specFile),
      `${readFileSync(join(repo.path, specFile), 'utf8')}\n${snippet.join('\n')}\n`,
    );
    commitAll(repo.path, 'allow the test Secrets');
    const allowed = await bundle({ spec: 'dev-monitoring', repo: repo.path, out: repo.dir() });
    for (const path of Object.keys(credentials))
      expect(allowed.warnings.join('\n')).toMatch(
        new RegExp(`^${path}: .*\\(allowed: test values only\\)$`, 'm'),
      );
  });

  it('accepts globs in allowSecrets, and prints only entries when the spec has the key', async () => {
    await using repo = await repoWith(
      credentialFiles,
      'allowSecrets:\n  - { path: "k8s/dev/monitoring/alertmanager-*.yaml", reason: routing test fixture }',
    );
    const error = await expectAirgapError(
      bundle({ spec: 'dev-monitoring', repo: repo.path, out: repo.dir() }),
    );
    const details = error.details.join('\n');
    expect(details).not.toContain('alertmanager-slack.yaml');
    expect(details).toContain('db-credentials.yaml:7');
    expect(details).toContain('grafana-admin.yaml:8');
    const hint = error.hint ?? '';
    expect(hint).not.toContain('allowSecrets:');
    expect(hint).toContain(`  - path: "${dir}/db-credentials.yaml"`);
    const entries = hint
      .split('\n')
      .filter((line) => line.startsWith('  '))
      .map((line) => line.replace('<why this file is safe to ship>', 'test values only'));
    writeFileSync(
      join(repo.path, specFile),
      `${readFileSync(join(repo.path, specFile), 'utf8')}\n${entries.join('\n')}\n`,
    );
    commitAll(repo.path, 'allow the rest');
    const result = await bundle({ spec: 'dev-monitoring', repo: repo.path, out: repo.dir() });
    expect(result.warnings.join('\n')).toContain(
      `${dir}/alertmanager-slack.yaml: Secret monitoring/alertmanager-slack: stringData.alertmanager.yaml holds a credential (slack-webhook-url) (allowed: routing test fixture)`,
    );
  });

  it('prints the refusal and the snippet within 80 columns (CLI)', async () => {
    await using repo = await repoWith(credentialFiles);
    const run = await runCli(['bundle', 'dev-monitoring', '--out', repo.dir()], { cwd: repo.path });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('hint: remove the credentials');
    expect(run.stderr).toMatch(/^ {2}allowSecrets:$/m);
    expect(run.stderr).toMatch(/^ {4}- path: "k8s\/dev\/monitoring\/grafana-admin\.yaml"$/m);
    // One line per refused value: the whole-file finding on a Secret's line is not repeated.
    expect(run.stderr.match(/^ {2}k8s\/dev\/monitoring\/\S+:\d+: /gm)).toHaveLength(3);
    const long = run.stderr.split('\n').filter((line) => line.length > 80);
    // Only the detail lines, which carry a path and a message, may be longer.
    for (const line of long) expect(line).toMatch(/^ {2}k8s\/dev\/monitoring\/\S+:\d+: /);
  });
});
