import { describe, expect, it } from 'vitest';
import { planUnits } from '../../src/bundle/plan.js';
import type { AirgapError } from '../../src/errors.js';
import { parseMarker } from '../../src/model/markers.js';
import { parseBundleSpec } from '../../src/model/spec.js';

const spec = (observe: string) => `name: x
environment: dev
description: d
files: ['k8s/**']
s3: { bucket: my-bucket, region: us-east-1 }
${observe}`;

function refusal(text: string): AirgapError {
  try {
    parseBundleSpec(text, 'bundles/x.yaml');
  } catch (error) {
    return error as AirgapError;
  }
  throw new Error('accepted');
}

describe('observe: in a bundle spec', () => {
  it('takes read-only commands and plans them after the summary, as observe units', () => {
    const parsed = parseBundleSpec(
      spec(`observe:
  - name: Kafka brokers
    run: kubectl get kafka -n kafka -o wide
  - name: Server version
    run: kubectl version
  - name: Labels shown, not set
    run: kubectl get pods -n kafka --show-labels | grep -c broker
  - name: A config map named like a verb
    run: kubectl get configmap set-defaults -n kafka -o yaml
`),
      'bundles/x.yaml',
    );
    const units = planUnits(
      [{ name: 'Apply', run: 'kubectl apply -f a.yaml' }],
      ['kubectl get pods'],
      undefined,
      parsed.observe,
    );
    expect(units.map((u) => u.kind)).toEqual([
      'download',
      'verify',
      'extract',
      'step',
      'verify-cmd',
      'summary',
      'observe',
      'observe',
      'observe',
      'observe',
    ]);
    expect(units.at(-4)).toEqual({
      n: 7,
      kind: 'observe',
      name: 'Kafka brokers',
      command: 'kubectl get kafka -n kafka -o wide',
    });
    expect(
      parseMarker('@@airgap/1 end x-1234567 7 observe rc=3 1795678062 s=abcdef12'),
    ).toMatchObject({
      kind: 'observe',
      n: 7,
      rc: 3,
    });
  });

  it('refuses a command that changes the cluster, with its line', () => {
    for (const run of [
      'kubectl apply -f k8s/',
      'kubectl -n kafka delete pod broker-0',
      'kubectl rollout restart deployment/quote-service',
      'kubectl get pods && kubectl scale deploy/x --replicas=0',
      'helm upgrade kafka strimzi/strimzi-kafka-operator',
    ]) {
      const error = refusal(spec(`observe:\n  - name: Oops\n    run: ${run}\n`));
      expect(error.message).toContain('bundles/x.yaml');
      expect(error.details.join('\n')).toMatch(
        /:8: .*an observe command only reads: move commands that change the cluster to steps/,
      );
    }
  });
});
