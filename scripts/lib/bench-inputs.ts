/** Generated inputs for `npm run bench`: committed repos and terminal-shaped transcripts. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './loop.js';

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
  execFileSync('git', ['clone', '-q', '--no-local', source, dir]);
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
