import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { opsRepo, tempDir } from '../helpers/fixtures.js';
import { projectRoot } from '../helpers/ops-repo.js';

/** What another package writes: the public API, typed from the package's own .d.ts files. */
const consumer = `import { AirgapError, type BundleResult, bundle, ingest, upload } from 'airgap';
import { parseMarker } from 'airgap/parsers';

const repo = process.argv[2] ?? '';
const result: BundleResult = await bundle({ spec: 'dev-topics', repo, out: process.argv[3] });
const refusals: Array<[string, number]> = [];
for (const attempt of [
  () => upload({ bundleDir: 'no-such-bundle-dir' }),
  () => ingest({ transcript: 'no-such-transcript.txt', repo }),
]) {
  try {
    await attempt();
  } catch (error) {
    if (error instanceof AirgapError) refusals.push([error.message, error.exitCode]);
  }
}
const marker = parseMarker(\`@@airgap/1 begin \${result.record.id} 1 step 1765000000\`);
console.log(JSON.stringify({ id: result.record.id, format: result.record.format, refusals, marker: marker?.kind }));
`;

/** Proves the declarations are real types, not any: each line must be a type error. */
const misuse = `import { bundle, type BundleRecord } from 'airgap';

// @ts-expect-error: spec is required and 'spek' is no option
await bundle({ spek: 'dev-topics' });
export function rename(record: BundleRecord): void {
  // @ts-expect-error: a bundle record is read-only
  record.id = 'other';
}
`;

function sh(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the airgap package (src/index.ts) used from another package', () => {
  it('imports bundle, upload and ingest with type declarations from the packed tarball', async () => {
    await using tmp = await tempDir();
    const work = tmp.dir('airgap-consumer-');
    // The tarball npm would publish (dist is built by `npm test`); no network involved.
    const packed = JSON.parse(
      sh(
        'npm',
        [
          'pack',
          '--ignore-scripts',
          '--offline',
          '--no-update-notifier',
          '--json',
          '--pack-destination',
          work,
        ],
        projectRoot,
      ),
    ) as Array<{ filename: string }>;
    const app = join(work, 'app');
    const installed = join(app, 'node_modules', 'airgap');
    mkdirSync(installed, { recursive: true });
    sh(
      'tar',
      ['-xzf', join(work, packed[0]?.filename ?? ''), '--strip-components=1', '-C', installed],
      work,
    );
    // The package's dependencies, as an install would provide them, from this checkout.
    for (const name of readdirSync(join(projectRoot, 'node_modules'))) {
      if (name === 'airgap' || name.startsWith('.')) continue;
      symlinkSync(join(projectRoot, 'node_modules', name), join(app, 'node_modules', name));
    }
    writeFileSync(
      join(app, 'package.json'),
      '{ "name": "app", "type": "module", "private": true }\n',
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          types: ['node'],
          outDir: 'out',
        },
        include: ['*.ts'],
      }),
    );
    writeFileSync(join(app, 'main.ts'), consumer);
    writeFileSync(join(app, 'misuse.ts'), misuse);
    const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    sh(process.execPath, [tsc, '-p', '.'], app);

    await using repo = await opsRepo();
    const out = sh(process.execPath, ['out/main.js', repo.path, repo.dir()], app);
    const printed = JSON.parse(out.trim().split('\n').pop() ?? '') as {
      id: string;
      format: string;
      refusals: Array<[string, number]>;
      marker: string;
    };
    expect(printed.id).toMatch(/^dev-topics-[0-9a-f]{7}$/);
    expect(printed.format).toBe('airgap-bundle/1');
    expect(printed.marker).toBe('step');
    expect(printed.refusals).toEqual([
      [expect.stringMatching(/^bundle directory not found: /), 2],
      ['transcript not found: no-such-transcript.txt', 2],
    ]);
  });
});
