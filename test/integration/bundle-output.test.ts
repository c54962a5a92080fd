import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { opsRepo } from '../helpers/fixtures.js';
import { commitAll, runCli } from '../helpers/ops-repo.js';

const KCAT = '111122223333.dkr.ecr.us-east-1.amazonaws.com/edenhill/kcat:1.7.1';
// 71 characters: `    missing <image>` would be 83 columns.
const BRIDGE = '111122223333.dkr.ecr.us-east-1.amazonaws.com/strimzi/kafka-bridge:0.31.1';

describe('airgap bundle, as a person reads it', () => {
  it('fits 80 columns: a missing image too long for its line goes whole under the word', async () => {
    await using repo = await opsRepo();
    const spec = join(repo.path, 'bundles/dev-topics.yaml');
    writeFileSync(
      spec,
      readFileSync(spec, 'utf8').replace('images:\n', `images:\n  - ${BRIDGE}\n`),
    );
    commitAll(repo.path, 'the bridge image too');
    const bundled = await runCli(['bundle', 'dev-topics'], { cwd: repo.path });
    expect(bundled.code, bundled.stderr).toBe(0);
    expect(bundled.stdout).toContain(`\n    missing\n      ${BRIDGE}\n`);
    expect(bundled.stdout).toContain(`\n    missing ${KCAT}\n`);
    const lines = bundled.stdout.trimEnd().split('\n');
    // The last line is the bundle directory, a path of the machine's.
    expect(lines.slice(0, -1).filter((l) => l.length > 80)).toEqual([]);
  });
});

/**
 * Every line a person reads within 80 columns; a word is never cut, so a line over 80 may only
 * be a single word (a path or image) wider than the line, whole on a line of its own.
 */
function overEighty(output: string): string[] {
  return output
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((line) => line.length > 80 && (line.trim().includes(' ') || line.trim().length <= 78));
}

describe('every command within 80 columns on long paths and images', () => {
  it('wraps errors, warnings and status between words, each path and image whole', async () => {
    await using repo = await opsRepo();
    const spec = join(repo.path, 'bundles/dev-topics.yaml');
    // A glob that matches nothing warns with the spec path and the glob: 101 columns in one line.
    const glob = `${'registry.example.com/'.repeat(2)}never-used/*`;
    writeFileSync(
      spec,
      readFileSync(spec, 'utf8').replace(
        'images:\n',
        `ignoreImages:\n  - "${glob}"\nimages:\n  - ${BRIDGE}\n`,
      ),
    );
    commitAll(repo.path, 'the bridge image, and an ignore glob');
    const bundled = await runCli(['bundle', 'dev-topics'], { cwd: repo.path });
    expect(bundled.code, bundled.stderr).toBe(0);
    expect(bundled.stderr).toContain(glob);
    commitAll(repo.path, 'prepared');

    // `  no ECR    <image>` was 83 columns: the image goes whole onto the next line.
    const state = await runCli(['status'], { cwd: repo.path });
    expect(state.stdout).toMatch(
      new RegExp(`\\n {2}no ECR\\n +${BRIDGE.replaceAll('.', '\\.')}\\n`),
    );

    // Paths as long as a line leaves room for: each error names one, whole.
    const long = join(repo.dir(), 'n'.repeat(Math.max(1, 76 - repo.dir().length)));
    const errors = await Promise.all([
      runCli(['upload', join(long, 'dev-topics-0123456')], { cwd: repo.path }),
      runCli(['ingest', join(long, 'x.txt')], { cwd: repo.path }),
      runCli(['bundle', join(long, 's.yaml')], { cwd: repo.path }),
      runCli(['status', '--env', `an-environment-nobody-named-${'x'.repeat(50)}`], {
        cwd: repo.path,
      }),
    ]);
    for (const run of errors) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/^error:/);
    }
    expect(errors[0]?.stderr).toContain(`\n${join(long, 'dev-topics-0123456').padStart(78)}\n`);
    expect(errors[1]?.stderr).toContain(join(long, 'x.txt'));
    const outputs = [bundled, state, ...errors].flatMap((run) => [run.stdout, run.stderr]);
    expect(outputs.flatMap(overEighty)).toEqual([]);
  });
});

describe("status's lists, as a person scans them (n9's finding 3)", () => {
  it('aligns the dates of ids of two widths, and puts write and its reference in line', async () => {
    await using repo = await opsRepo();
    // One image whose ECR reference fits after `write` (68 columns), one that fits no column
    // (85) and one that fits at column 2 but not after `write` (67 + 18).
    const images = [
      'ghcr.io/a/b:1',
      'quay.io/jetstack/cert-manager-cainjector:v1.1.0',
      'quay.io/argoproj/argocd:v3.4.0',
    ];
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/outside.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: outside\n  namespace: kafka\nspec:\n  template:\n    spec:\n      containers:\n${images.map((image, i) => `        - name: c${i}\n          image: ${image}\n`).join('')}`,
    );
    const spec = join(repo.path, 'bundles/dev-x.yaml');
    copyFileSync(join(repo.path, 'bundles/dev-topics.yaml'), spec);
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('name: dev-topics', 'name: dev-x'));
    commitAll(repo.path, 'images from outside; a spec with a shorter name');
    for (const name of ['dev-topics', 'dev-x']) {
      const bundled = await runCli(['bundle', name, '--out', repo.dir()], { cwd: repo.path });
      expect(bundled.code, bundled.stderr).toBe(0);
      commitAll(repo.path, `prepared ${name}`);
    }
    const lines = (await runCli(['status'], { cwd: repo.path })).stdout.split('\n');
    const prepared = lines.filter((l) => l.startsWith('  prepared'));
    expect(prepared).toEqual([
      expect.stringMatching(/^ {2}prepared {2}dev-topics-[0-9a-f]{7} {2}\d{4}-\d\d-\d\d$/),
      expect.stringMatching(/^ {2}prepared {2}dev-x-[0-9a-f]{7} {7}\d{4}-\d\d-\d\d$/),
    ]);
    const ecr = '111122223333.dkr.ecr.us-east-1.amazonaws.com';
    const at = (image: string) => lines.indexOf(`  outside   ${image}`);
    expect(lines.slice(at(images[0]!), at(images[0]!) + 3)).toEqual([
      `  outside   ${images[0]}`,
      `            write ${ecr}/a/b:1`,
      '            (not in ECR yet: push it)',
    ]);
    expect(lines.slice(at(images[1]!) + 1, at(images[1]!) + 4)).toEqual([
      '            write',
      `${ecr}/jetstack/cert-manager-cainjector:v1.1.0`,
      '            (not in ECR yet: push it)',
    ]);
    expect(lines.slice(at(images[2]!) + 1, at(images[2]!) + 4)).toEqual([
      '            write',
      `  ${ecr}/argoproj/argocd:v3.4.0`,
      '            (not in ECR yet: push it)',
    ]);
    expect(lines.flatMap((l) => overEighty(l))).toEqual([]);
  });
});
