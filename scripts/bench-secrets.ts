/**
 * Secrets figures for `npm run bench`: recall on the test corpus (test/fixtures/secrets) and
 * redaction throughput against a plain split-and-join pass over the same text in the same run, and
 * every rule's CPU on 100 KB hostile lines against the 50 ms bound.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskSecrets, SecretMasker } from '../src/secrets/index.js';
import { hostileFigures } from './lib/hostile-lines.js';
import { corpusFigures } from './secrets-corpora.js';

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));

function recall(secrets: readonly string[], masked: string): number {
  return secrets.filter((s) => !masked.includes(s)).length / secrets.length;
}

/** Terminal-shaped output like the ingest benchmark's, with one secret every 1,000 lines. */
function transcript(megabytes: number): string {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < megabytes * 1024 * 1024; i++) {
    const line =
      i % 1000 === 999
        ? `  password: s3cr3t-${i}-Zq9x`
        : `  key-${i}: value-${i} padding padding padding padding`;
    out.push(line);
    size += line.length + 1;
  }
  return out.join('\n');
}

function seconds(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    run();
    times.push((performance.now() - start) / 1000);
  }
  return times.sort((a, b) => a - b)[1] ?? 0;
}

export function benchSecrets(root: string, quick: boolean): string[] {
  const dir = join(root, 'test/fixtures/secrets');
  const samples = lines(join(dir, 'provider-samples.tsv')).map((l) => l.split('\t'));
  const providerText = samples.map(([, context = '', secret = '']) =>
    context.replace('{S}', secret),
  );
  const providerRecall = recall(
    samples.map(([, , secret = '']) => secret),
    maskSecrets(providerText.join('\n')).text,
  );
  const domainRecall = recall(
    lines(join(dir, 'domain-secrets.txt')),
    maskSecrets(readFileSync(join(dir, 'domain-transcript.txt'), 'utf8')).text,
  );
  const megabytes = quick ? 20 : 100;
  const text = transcript(megabytes);
  const baseline = seconds(() => {
    text.split('\n').join('\n');
  });
  const masking = seconds(() => {
    const masker = new SecretMasker();
    const out: string[] = [];
    const emit = (line: string) => out.push(line);
    for (const line of text.split('\n')) masker.push(line, emit);
    masker.end(emit);
    out.join('\n');
  });
  const figures = [
    `secrets recall: ${(providerRecall * 100).toFixed(1)}% of ${samples.length} provider samples (gitleaks rule-test shapes), ${(domainRecall * 100).toFixed(1)}% of the domain secrets`,
    `line-by-line redaction (SecretMasker.push; ingest masks whole chunks) ${megabytes} MB: ${(megabytes / masking).toFixed(0)} MB/s, split-and-join baseline ${(megabytes / baseline).toFixed(0)} MB/s, ratio ${(masking / baseline).toFixed(2)}`,
  ];
  figures.push(...hostileFigures());
  figures.push(...corpusFigures(root).map((l) => `public corpora: ${l.trim()}`));
  for (const f of figures) process.stdout.write(`${f}\n`);
  return figures;
}
