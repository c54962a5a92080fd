/**
 * `npm run secrets:corpora` (and the secrets part of `npm run bench`): recall of the secrets
 * engine on the public corpora (test/fixtures/secrets/public-corpora.tsv), per corpus and per
 * rule family, near-misses masked and kept values kept. `--families` lists every family,
 * `--near-misses` every near-miss still masked.
 */
import { join } from 'node:path';
import {
  type CorpusReport,
  evaluate,
  keptValues,
  percent,
  publicCases,
  total,
  touches,
} from './lib/secret-corpora.js';

export function corpusFigures(root: string, families = false, nearMisses = false): string[] {
  const report: CorpusReport = evaluate(publicCases(root));
  const lines: string[] = [];
  const table = (title: string, map: CorpusReport['suite']) => {
    lines.push(`${title}: ${percent(total(map))}`);
    for (const [corpus, t] of map) lines.push(`  ${corpus.padEnd(16)} ${percent(t)}`);
  };
  table('secrets masked in the suites’ own lines', report.suite);
  table('self-identifying tokens masked in free text', report.freeText);
  table('every secret masked as an assignment', report.assignments);
  table('near-misses masked (lower is better)', report.nearMisses);
  if (nearMisses)
    for (const [corpus, t] of report.nearMisses)
      for (const line of t.wrong) lines.push(`    ${corpus}: ${line.slice(0, 60)}`);
  table('allow-listed published examples masked (not held to a bound)', report.allowListed);
  const kept = keptValues();
  const touched = kept.filter((k) => touches(k.line)).length;
  lines.push(
    `digests, ARNs, ECR URIs, commit ids, uids kept: ${kept.length - touched} of ${kept.length}`,
  );
  const missed = [...report.families].filter(([, t]) => t.masked < t.total);
  lines.push(`rule families with a secret left in the suites’ lines: ${missed.length}`);
  for (const [family, t] of families ? report.families : missed)
    lines.push(`  ${family.padEnd(40)} ${percent(t)}`);
  return lines;
}

if (process.argv[1]?.endsWith('secrets-corpora.js')) {
  const root = join(import.meta.dirname, '../..');
  const argv = process.argv;
  for (const line of corpusFigures(
    root,
    argv.includes('--families'),
    argv.includes('--near-misses'),
  ))
    process.stdout.write(`${line}\n`);
}
