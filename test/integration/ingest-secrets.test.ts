import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { fixture, type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import { cliPath, commitAll } from '../helpers/ops-repo.js';
import { domainTranscript, listOf, providerSamples, recall } from '../helpers/secret-corpus.js';

/**
 * The corpus printed by two verify commands of a real bundle, run by the bastion script, then
 * ingested: what the repo would commit is the runbook and the kept transcript.
 */
async function ingestCorpus(ops: OpsRepo) {
  const dir = ops.dir();
  const domain = join(dir, 'domain.txt');
  const providers = join(dir, 'providers.txt');
  // Another bundle's markers would make a second bundle in the paste: keep the lines between.
  writeFileSync(
    domain,
    domainTranscript()
      .split('\n')
      .filter((l) => !l.includes('@@airgap/'))
      .join('\n'),
  );
  writeFileSync(
    providers,
    `${providerSamples()
      .map((s) => s.line)
      .join('\n')}\n`,
  );
  const repo = ops.path;
  const specPath = join(repo, 'bundles/dev-topics.yaml');
  writeFileSync(
    specPath,
    readFileSync(specPath, 'utf8').replace(
      'verify:\n',
      `verify:\n  - cat ${JSON.stringify(domain)}\n  - cat ${JSON.stringify(providers)}\n`,
    ),
  );
  commitAll(repo, 'print the corpus');
  const result = await bundle({ spec: 'dev-topics', repo, out: ops.dir() });
  commitAll(repo, 'prepared');
  const run = runBastionScript(result, fakeBastion(ops, result));
  const paste = join(dir, 'paste.txt');
  writeFileSync(paste, run.stdout);
  const ingested = await ingest({ transcript: paste, repo });
  const id = result.record.id;
  const runbookName = readdirSync(join(repo, 'docs/RUNBOOKS')).find((f) => f.endsWith(`-${id}.md`));
  const keptDir = join(repo, 'docs/RUNBOOKS/transcripts', id);
  return {
    repo,
    paste,
    ingested,
    runbook: readFileSync(join(repo, 'docs/RUNBOOKS', runbookName ?? ''), 'utf8'),
    kept: readdirSync(keptDir)
      .map((f) => readFileSync(join(keptDir, f), 'utf8'))
      .join('\n'),
    raw: run.stdout,
  };
}

describe('airgap ingest keeps the corpus secrets out of git', () => {
  const ops = fixture(() => opsRepo());
  let corpus: Awaited<ReturnType<typeof ingestCorpus>>;
  beforeAll(async () => {
    corpus = await ingestCorpus(ops());
  });

  it.each(['runbook', 'kept'] as const)('%s: every domain secret masked', (doc) => {
    const secrets = listOf('domain-secrets.txt').filter((s) => corpus.raw.includes(s));
    expect(secrets.length).toBeGreaterThanOrEqual(45);
    expect(recall(secrets, corpus[doc]).leaked).toEqual([]);
  });

  it.each(['runbook', 'kept'] as const)(
    '%s: at least 95% of the provider samples masked',
    (doc) => {
      const result = recall(
        providerSamples().map((s) => s.secret),
        corpus[doc],
      );
      expect(result.recall).toBeGreaterThanOrEqual(0.95);
    },
  );

  it.each(['runbook', 'kept'] as const)('%s: every never-masked value kept', (doc) => {
    for (const value of listOf('never-masked.txt').filter((v) => corpus.raw.includes(v)))
      expect(corpus[doc], value).toContain(value);
  });

  it('counts masked values per rule in the result, --json and the human summary', () => {
    const { ingested } = corpus;
    expect(ingested.maskedByRule['kubernetes-secret-data']).toBeGreaterThan(5);
    expect(ingested.maskedByRule['github-pat']).toBeGreaterThanOrEqual(1);
    const sum = Object.values(ingested.maskedByRule).reduce((a, b) => a + b, 0);
    expect(sum).toBe(ingested.masked);
    expect(corpus.runbook).toContain(`${ingested.masked} value(s) masked`);

    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [cliPath, 'ingest', corpus.paste, '--repo', corpus.repo, ...args],
        {
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1' },
        },
      );
    const json = JSON.parse(cli('--json', '--dry-run').stdout) as { maskedByRule: unknown };
    expect(json.maskedByRule).toEqual(ingested.maskedByRule);
    const human = cli('--dry-run').stdout;
    expect(human).toContain(`masked    ${ingested.masked} secret value(s)`);
    expect(human).toContain(`            ${ingested.maskedByRule['github-pat']} github-pat\n`);
    for (const line of human.split('\n').slice(0, 60)) expect(line.length).toBeLessThanOrEqual(80);
  });
});
