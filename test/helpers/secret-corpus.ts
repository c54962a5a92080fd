import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The secrets test corpus in test/fixtures/secrets (sources in its README.md). */
export const corpusDir = join(import.meta.dirname, '../fixtures/secrets');

export interface ProviderSample {
  rule: string;
  line: string;
  secret: string;
}

export function providerSamples(): ProviderSample[] {
  return readFileSync(join(corpusDir, 'provider-samples.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [rule = '', context = '', secret = ''] = l.split('\t');
      return { rule, line: context.replace('{S}', secret), secret };
    });
}

/** Lines of a fixture list, without blank lines and `#` comments. */
export function listOf(name: string): string[] {
  return readFileSync(join(corpusDir, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

export const domainTranscript = () =>
  readFileSync(join(corpusDir, 'domain-transcript.txt'), 'utf8');

/** The share of `secrets` absent from `masked`, and the ones still there. */
export function recall(secrets: readonly string[], masked: string) {
  const leaked = secrets.filter((s) => masked.includes(s));
  return { recall: 1 - leaked.length / secrets.length, leaked };
}
