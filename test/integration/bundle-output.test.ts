import { readFileSync, writeFileSync } from 'node:fs';
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
