/** Generated inputs for `npm run bench`: committed repos and terminal-shaped transcripts. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './git.js';

const SPEC =
  'environment: dev\ndescription: benchmark\nfiles: ["k8s/**"]\ns3: { bucket: acme-airgap, prefix: bench, region: us-east-1 }\nsteps: [{ name: noop, run: "true" }]\n';

function manifest(i: number, bytes: number): string {
  const head = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: kafka\ndata:\n`;
  const lines: string[] = [head];
  let size = head.length;
  for (let line = 0; size < bytes - 64; line++) {
    const text = `  key-${line}: "value ${i}-${line} ${'abcdefghij'.repeat(4)}"\n`;
    lines.push(text);
    size += text.length;
  }
  return lines.join('');
}

function commitAll(repo: string, message: string): void {
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  // Auto gc in the foreground: detached, it packed 50,000 objects while runs were being timed
  // and raced the final clean-up (ENOTEMPTY on .git).
  git(repo, '-c', 'gc.autoDetach=false', 'commit', '-q', '-m', message);
}

/** A committed repo of YAML manifests and incompressible binaries under k8s/, with spec `bench`. */
export function makeRepo(
  dir: string,
  shape: { yamlFiles: number; yamlMB: number; binaryFiles: number; binaryMB: number },
): string {
  mkdirSync(join(dir, 'bundles'), { recursive: true });
  writeFileSync(join(dir, 'bundles/bench.yaml'), `name: bench\n${SPEC}`);
  const yamlBytes = Math.floor((shape.yamlMB * 1024 * 1024) / shape.yamlFiles);
  for (let i = 0; i < shape.yamlFiles; i++) {
    const sub = join(dir, 'k8s', `d${Math.floor(i / 500)}`);
    if (i % 500 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `cm-${i}.yaml`), manifest(i, yamlBytes));
  }
  if (shape.binaryFiles) mkdirSync(join(dir, 'k8s/bin'), { recursive: true });
  const binaryBytes = Math.floor((shape.binaryMB * 1024 * 1024) / Math.max(1, shape.binaryFiles));
  for (let i = 0; i < shape.binaryFiles; i++)
    writeFileSync(join(dir, 'k8s/bin', `blob-${i}.bin`), randomBytes(binaryBytes));
  commitAll(dir, 'bench');
  return dir;
}

/** A repo holding one large text file (log-like, so gzip works on it as on real data). */
export function makeLargeFileRepo(dir: string, megabytes: number): string {
  mkdirSync(join(dir, 'bundles'), { recursive: true });
  mkdirSync(join(dir, 'k8s'), { recursive: true });
  writeFileSync(join(dir, 'bundles/bench.yaml'), `name: bench\n${SPEC}`);
  const fd = openSync(join(dir, 'k8s/large.log'), 'w');
  const block: string[] = [];
  let line = 0;
  for (let written = 0; written < megabytes * 1024 * 1024; ) {
    block.length = 0;
    for (let i = 0; i < 20000; i++, line++)
      block.push(
        `2026-02-13T09:${String(line % 60).padStart(2, '0')}:00Z broker-${line % 7} offset=${line * 37} lag=${line % 1013}\n`,
      );
    written += writeSync(fd, block.join(''));
  }
  closeSync(fd);
  commitAll(dir, 'large');
  return dir;
}

/** Copies a repo the way a user gets it: a real clone with packed objects, no scan cache. */
export function freshClone(source: string, dir: string): string {
  git(source, 'clone', '-q', '--no-local', source, dir);
  return dir;
}

/** A bundle of 1,000 steps and its committed record, ready for ingest. */
export function makeIngestRepo(dir: string): string {
  mkdirSync(join(dir, 'k8s'), { recursive: true });
  mkdirSync(join(dir, 'bundles'), { recursive: true });
  writeFileSync(join(dir, 'k8s/a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
  const steps = Array.from(
    { length: 1000 },
    (_, i) => `  - { name: step ${i + 1}, run: "kubectl get configmap a -o yaml # ${i}" }`,
  ).join('\n');
  writeFileSync(
    join(dir, 'bundles/many.yaml'),
    `name: many\nenvironment: dev\ndescription: a thousand steps\nfiles: [k8s/a.yaml]\ns3: { bucket: acme-airgap, prefix: bench, region: us-east-1 }\nsteps:\n${steps}\n`,
  );
  commitAll(dir, 'many');
  return dir;
}

/** A paste of `megabytes` in terminal shape: prompts, colours, CR redraws, mixed line ends. */
export function makeTranscript(path: string, megabytes: number, bundleId: string): void {
  const target = megabytes * 1024 * 1024;
  const linesPerStep = Math.ceil(target / 1000 / 60);
  const fd = openSync(path, 'w');
  let t = 1770973200;
  const out: string[] = [];
  for (let n = 4; n <= 1003; n++) {
    out.push(
      `\x1b[?2004h[ec2-user@ip-10-0-1-23 ~]$ airgap_run ${n} step 0 'kubectl get configmap a -o yaml'\r\n`,
      `@@airgap/1 begin ${bundleId} ${n} step ${t}\r\n[2026-02-13T09:00:00Z ip-10-0-1-23] $ kubectl get configmap a -o yaml\r\n`,
      'Completed 1.0 MiB/3.0 MiB (9 MiB/s)\rCompleted 3.0 MiB/3.0 MiB (9 MiB/s)\rdone\r\n',
    );
    for (let l = 0; l < linesPerStep; l++)
      out.push(
        l % 2
          ? `  key-${l}: \x1b[32mvalue-${l}\x1b[0m padding padding padding\r\n`
          : `  key-${l}: value-${l} padding padding padding padding\n`,
      );
    out.push(`@@airgap/1 end ${bundleId} ${n} step rc=0 ${t + 1}\r\n`);
    t += 2;
    if (out.length > 50000 || n === 1003) {
      writeSync(fd, out.join(''));
      out.length = 0;
    }
  }
  closeSync(fd);
}

/**
 * Generated manifests as tools write them: many files of many tiny, near-identical ConfigMap
 * documents. gzip is fast on them, so any time the scan takes shows in the ratio.
 */
export function makeRepetitiveRepo(
  dir: string,
  shape: { yamlFiles: number; documents: number; binaryFiles: number; binaryMiB: number },
): string {
  mkdirSync(join(dir, 'bundles'), { recursive: true });
  writeFileSync(join(dir, 'bundles/bench.yaml'), `name: bench\n${SPEC}`);
  for (let i = 0; i < shape.yamlFiles; i++) {
    const sub = join(dir, 'k8s', `gen${Math.floor(i / 500)}`);
    if (i % 500 === 0) mkdirSync(sub, { recursive: true });
    const docs: string[] = [];
    for (let d = 0; d < shape.documents; d++)
      docs.push(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}-${d}\n  namespace: apps\ndata:\n  k: v${d}\n`,
      );
    writeFileSync(join(sub, `app-${i}.yaml`), docs.join('---\n'));
  }
  mkdirSync(join(dir, 'k8s/bin'), { recursive: true });
  for (let i = 0; i < shape.binaryFiles; i++)
    writeFileSync(join(dir, 'k8s/bin', `blob-${i}.bin`), randomBytes(shape.binaryMiB << 20));
  commitAll(dir, 'repetitive');
  return dir;
}

/** An ops repo of a dozen files (a namespace, a few apps, a topic): the everyday bundle. */
export function makeSmallOpsRepo(dir: string): string {
  mkdirSync(join(dir, 'bundles'), { recursive: true });
  mkdirSync(join(dir, 'k8s/apps'), { recursive: true });
  writeFileSync(
    join(dir, 'bundles/ops.yaml'),
    `name: ops\n${SPEC.replace('[{ name: noop, run: "true" }]', '[{ name: apply, run: "kubectl apply -f k8s/" }]')}`,
  );
  writeFileSync(join(dir, 'README.md'), '# ops\n\nManifests for the dev cluster.\n');
  writeFileSync(
    join(dir, 'k8s/namespace.yaml'),
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n',
  );
  for (const app of ['quotes', 'pricing', 'policies', 'billing']) {
    writeFileSync(
      join(dir, `k8s/apps/${app}.yaml`),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  namespace: apps\nspec:\n  replicas: 2\n  selector:\n    matchLabels: { app: ${app} }\n  template:\n    metadata:\n      labels: { app: ${app} }\n    spec:\n      containers:\n        - name: ${app}\n          image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/${app}:1.4.2\n          env:\n            - { name: LOG_LEVEL, value: info }\n`,
    );
    writeFileSync(
      join(dir, `k8s/apps/${app}-service.yaml`),
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n  namespace: apps\nspec:\n  selector: { app: ${app} }\n  ports: [{ port: 80, targetPort: 8080 }]\n`,
    );
  }
  writeFileSync(
    join(dir, 'k8s/topic.yaml'),
    'apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata:\n  name: quotes\n  namespace: kafka\n  labels: { strimzi.io/cluster: dev }\nspec:\n  partitions: 3\n  replicas: 3\n',
  );
  commitAll(dir, 'ops');
  return dir;
}

const WORDS =
  'the of a to field resource when this is set value name for default used kafka broker listener replicas storage template pod container spec status config must be an'.split(
    ' ',
  );

/** A CRD of about `bytes`: an openAPIV3Schema of nested, described properties, as operators ship. */
function crd(kind: string, bytes: number, seed: number): string {
  let state = seed;
  const word = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return WORDS[state % WORDS.length];
  };
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
  const out = [
    `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${kind.toLowerCase()}s.kafka.strimzi.io\nspec:\n  group: kafka.strimzi.io\n  names:\n    kind: ${kind}\n    plural: ${kind.toLowerCase()}s\n  scope: Namespaced\n  versions:\n    - name: v1beta2\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n`,
  ];
  let size = out[0]!.length;
  for (let p = 0; size < bytes; p++) {
    const block = `            ${word()}${p}:\n              type: object\n              description: ${sentence(12)}\n              properties:\n${Array.from(
      { length: 6 },
      (_, q) =>
        `                ${word()}${q}:\n                  type: ${q % 2 ? 'string' : 'integer'}\n                  description: ${sentence(8)}\n`,
    ).join('')}`;
    out.push(block);
    size += block.length;
  }
  return out.join('');
}

/** Shaped like an operator install: RBAC, a Deployment and CRDs of 300–500 KB each. */
export function makeOperatorRepo(dir: string, crds = 10): string {
  const base = join(dir, 'k8s/operator');
  mkdirSync(join(dir, 'bundles'), { recursive: true });
  mkdirSync(base, { recursive: true });
  writeFileSync(join(dir, 'bundles/bench.yaml'), `name: bench\n${SPEC}`);
  writeFileSync(
    join(base, '000-namespace.yaml'),
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kafka\n',
  );
  for (const role of ['cluster-operator', 'entity-operator', 'kafka-broker', 'kafka-client'])
    writeFileSync(
      join(base, `020-ClusterRole-${role}.yaml`),
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: strimzi-${role}\nrules:\n  - apiGroups: [""]\n    resources: [pods, services, configmaps]\n    verbs: [get, list, watch, create, delete, patch, update]\n`,
    );
  for (let i = 0; i < crds; i++)
    writeFileSync(
      join(base, `04${i}-Crd-kind${i}.yaml`),
      crd(`Kind${i}`, 300_000 + Math.round((i * 200_000) / Math.max(1, crds - 1)), i + 1),
    );
  writeFileSync(
    join(base, '060-Deployment-strimzi-cluster-operator.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: strimzi-cluster-operator\n  namespace: kafka\nspec:\n  replicas: 1\n  selector:\n    matchLabels: { name: strimzi-cluster-operator }\n  template:\n    metadata:\n      labels: { name: strimzi-cluster-operator }\n    spec:\n      containers:\n        - name: strimzi-cluster-operator\n          image: quay.io/strimzi/operator:0.45.0\n',
  );
  commitAll(dir, 'operator');
  return dir;
}

/** The committed tree's size and how well gzip -6 packs it, so a reader sees why a ratio moves. */
export function compressionOf(repo: string): { mib: number; gzipRatio: number } {
  const bytes = (command: string) =>
    Number(execFileSync('bash', ['-c', `${command} | wc -c`], { cwd: repo, encoding: 'utf8' }));
  const tar = bytes('git archive --format=tar HEAD');
  const gz = bytes('git archive --format=tar HEAD | gzip -6');
  return { mib: tar / 1048576, gzipRatio: gz ? tar / gz : 0 };
}
