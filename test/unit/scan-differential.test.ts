import { describe, expect, it } from 'vitest';
import { scanManifest } from '../../src/bundle/manifests.js';
import { simpleLoadAll } from '../../src/bundle/simple-yaml.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** A document of the bench's repetitive input (scripts/lib/bench-inputs.ts makeRepetitiveRepo). */
const configMap = (f: number, d: number) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${f}-${d}\n  namespace: apps\ndata:\n  k: v${d}\n`;

/** Documents that must be refused, or that feed the plan, planted among the ConfigMaps. */
const PLANTED = [
  (d: number) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-${d}\ndata:\n  k: djE=\n`,
  (d: number) => `apiVersion: v1\nkind: secret\nmetadata:\n  name: s-${d}\n`,
  (d: number) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: apps\ndata:\n  k: v${d}\n`,
  (d: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${d}\n`,
  (d: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b-${d}\n`,
  (d: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n bad: indent-${d}\n`,
  (d: number) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-${d}\ndata:\n  password: hunter2hunter2\n`,
  (d: number) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-${d}\ndata:\n  url: "postgres://app:s3cretpw@db:5432/x"\n`,
  (d: number) =>
    `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: { name: l-${d} }\n`,
  (d: number) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d-${d}\nspec:\n  template:\n    spec:\n      image: repo/app:${d}\n`,
  (d: number) =>
    `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x${d}.example.com\nspec:\n  group: example.com\n  names:\n    kind: X${d}\n`,
  (d: number) =>
    `apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaUser\nmetadata:\n  name: u-${d}\nspec:\n  authentication:\n    password:\n      value: p${d}\n`,
  (d: number) => `kind: ConfigMap\nmetadata:\n  name: n-${d}\n`,
  (d: number) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "q-${d}"\n  labels:\n    app.kubernetes.io/name: x # comment\n`,
  (d: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t-${d}\ndata:\n  k: "a\tb"\n`,
  () => 'just a scalar\n',
];

describe('bundle scan on repetitive manifests: simple-yaml against js-yaml alone', () => {
  it('finds the same problems, objects and images on every file', () => {
    const random = seededRandom(2028);
    let fast = 0;
    for (let f = 0; f < 150; f++) {
      const docs = Array.from({ length: 120 }, (_, d) => configMap(f, d));
      // Two files in three are left as generated: they must take the fast path.
      if (f % 3 === 2)
        for (let n = 1 + random.int(3); n > 0; n--)
          docs[random.int(docs.length)] = random.pick(PLANTED)(random.int(1000));
      const text = docs.join('---\n');
      if (simpleLoadAll(text)) fast++;
      const path = `k8s/gen/app-${f}.yaml`;
      expect(scanManifest(path, text), path).toStrictEqual(
        scanManifest(path, text, { jsYamlOnly: true }),
      );
    }
    expect(fast).toBeGreaterThanOrEqual(100);
    expect(fast).toBeLessThan(150);
  });

  it('reports a planted Secret at its line either way', () => {
    const docs = Array.from({ length: 120 }, (_, d) => configMap(1, d));
    docs[57] = PLANTED[0]!(57);
    const text = docs.join('---\n');
    const scan = scanManifest('a.yaml', text);
    // Refused or warned about as secret-objects.ts decides; here only the line and the parity.
    expect(scan.problems).toEqual([expect.objectContaining({ line: 57 * 8 + 1 })]);
    expect(scan).toStrictEqual(scanManifest('a.yaml', text, { jsYamlOnly: true }));
  });
});
