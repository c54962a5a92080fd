import { describe, expect, it } from 'vitest';
import { credentialDetector, separatePassDetector } from '../../src/bundle/credentials.js';
import { scanContent } from '../../src/bundle/scan-content.js';
import { providerSamples } from '../helpers/secret-corpus.js';
import { seededRandom } from '../helpers/seeded-random.js';

/**
 * The scan's shortcuts (simple-yaml, the detector's single pass) against the scan with every
 * shortcut off, on the bench's repetitive manifests with credentials sprinkled in many shapes:
 * each verdict, problem by problem and line by line, must be the same.
 */

const samples = providerSamples().map((sample) => sample.line);

const configMap = (f: number, d: number) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${f}-${d}\n  namespace: apps\ndata:\n  k: v${d}\n`;

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Documents, each with a credential (or a near miss) in another shape. */
const PLANTED: Array<(d: number, sample: string) => string> = [
  // A provider token as a ConfigMap value, quoted and plain.
  (d, s) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-${d}\ndata:\n  v: ${JSON.stringify(s)}\n`,
  (d, s) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-${d}\n# ${s}\n`,
  // The same, base64-encoded under binaryData.
  (d, s) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b-${d}\nbinaryData:\n  v: ${b64(`${s}\n`)}\n`,
  (d) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b-${d}\nbinaryData:\n  v: ${b64(`password: hunter2hunter2-${d}\n`)}\n`,
  // The manifest rules' shapes.
  (d) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-${d}\ndata:\n  password: hunter2hunter2\n`,
  (d) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: e-${d}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: repo/app:${d}\n          env:\n            - name: DB_PASSWORD\n              value: "s3cr3tValue${d}"\n`,
  (d) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a-${d}\ndata:\n  id: AKIAIOSFODNN7ABCDEF${d % 10}\n`,
  (d) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: u-${d}\ndata:\n  url: "postgres://app:s3cretpw${d}@db:5432/x"\n`,
  (d) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: k-${d}\ndata:\n  key: |\n    -----BEGIN RSA PRIVATE KEY-----\n`,
  (d) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: j-${d}\ndata:\n  .dockerconfigjson: eyJhdXRocyI6e319${d}\n`,
  // Secrets, in the shapes the YAML part refuses or warns about.
  (d) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-${d}\ndata:\n  k: ${b64(`v${d}`)}\n`,
  (d) =>
    `apiVersion: v1\nkind: "\\x53ecret"\nmetadata:\n  name: s-${d}\nstringData:\n  db: hunter2hunter2\n`,
  (d) =>
    `apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaUser\nmetadata:\n  name: k-${d}\nspec:\n  authentication:\n    password:\n      value: p${d}\n`,
  // Near misses and noise: references, placeholders, a long hash, blanks, tabs, non-ASCII.
  (d) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: n-${d}\ndata:\n  password: \${DB_PASSWORD}\n  token: changeme\n`,
  (d) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: h-${d}\ndata:\n  sha: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n`,
  (d) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t-${d}   \ndata:\n  k: "a\tb"\n`,
  (d) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: i-${d}\ndata:\n  city: İstanbul \u212A\n`,
];

describe('bundle scan on repetitive manifests: shortcuts against every shortcut off', () => {
  it('gives the same verdict on every file, credentials sprinkled in many shapes', () => {
    const random = seededRandom(2029);
    let refused = 0;
    let clean = 0;
    for (let f = 0; f < 100; f++) {
      const docs = Array.from({ length: 120 }, (_, d) => configMap(f, d));
      // One file in four is left as generated: the common case must stay in the comparison.
      if (f % 4 !== 0)
        for (let n = 1 + random.int(4); n > 0; n--)
          docs[random.int(docs.length)] = random.pick(PLANTED)(
            random.int(1000),
            random.pick(samples),
          );
      let text = docs.join('---\n');
      if (f % 7 === 3) text = text.replaceAll('\n', '\r\n');
      // A file that ends without a newline, or inside a base64 run.
      if (f % 9 === 5) text = `${text}  v: ${b64('token: abcdefghijklmnopqrstuvwxyz')}`;
      const path = `k8s/gen/app-${f}.yaml`;
      const content = Buffer.from(text);
      const fast = scanContent(path, content);
      expect(fast, path).toStrictEqual(scanContent(path, content, { reference: true }));
      if (fast.problems.some((p) => p.kind === 'secret')) refused++;
      else clean++;
    }
    expect(refused).toBeGreaterThan(50);
    expect(clean).toBeGreaterThan(20);
  });

  it('finds each provider sample alone, between ConfigMaps, as the separate passes do', () => {
    for (const sample of samples) {
      const text = `${configMap(0, 0)}${sample}\n${configMap(0, 1)}`;
      const found = credentialDetector.findSecrets(text);
      expect(found, sample).toEqual(separatePassDetector.findSecrets(text));
    }
  });
});
