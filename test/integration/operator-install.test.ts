import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { opsRepo } from '../helpers/fixtures.js';
import {
  harmlessSecrets,
  namespaces,
  prometheusOperator,
  strimziOperator,
} from '../helpers/operator-fixtures.js';
import { commitAll } from '../helpers/ops-repo.js';

describe('an operator install with harmless Secrets and images in env values', () => {
  it('bundles from files alone and deploys on the kubectl stand-in, twice on the same cluster', async () => {
    await using repo = await opsRepo();
    const files: Record<string, string> = {
      'k8s/dev/install/setup/namespaces.yaml': namespaces('monitoring'),
      ...harmlessSecrets('k8s/dev/install/monitoring'),
      'k8s/dev/install/operators/strimzi-operator.yaml': strimziOperator('0.45.0'),
      'k8s/dev/install/operators/prometheus-operator.yaml': prometheusOperator('v0.80.0'),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repo.path, path)), { recursive: true });
      writeFileSync(join(repo.path, path), text);
    }
    // No steps, no allowSecrets, no images: the spec names the files and where they go.
    writeFileSync(
      join(repo.path, 'bundles/dev-install.yaml'),
      [
        'name: dev-install',
        'environment: dev',
        'description: Operators and their Secrets for DEV',
        'files: [k8s/dev/install/**]',
        's3: { bucket: acme-airgap, prefix: bundles/dev, region: us-east-1 }',
        '',
      ].join('\n'),
    );
    commitAll(repo.path, 'an operator install');
    const result = await bundle({ spec: 'dev-install', repo: repo.path, out: repo.dir() });
    expect(result.warnings.filter((w) => w.includes(' ships: '))).toHaveLength(5);
    expect(result.record.images).toContain('quay.io/strimzi/kafka:0.45.0-kafka-3.8.0');
    expect(result.record.images).toContain(
      'quay.io/prometheus-operator/prometheus-config-reloader:v0.80.0',
    );

    const bastion = fakeBastion(repo, result);
    const first = runBastionScript(result, bastion);
    expect(first.code, first.output).toBe(0);
    expect(first.stdout).toContain('secret/grafana-config created');
    const second = runBastionScript(result, bastion);
    expect(second.code, second.output).toBe(0);
    expect(second.stdout).toMatch(/secret\/grafana-config (unchanged|configured)/);
    expect(second.stdout).not.toMatch(/secret\/grafana-config created/);
  });
});
