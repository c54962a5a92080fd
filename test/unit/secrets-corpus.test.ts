import { describe, expect, it } from 'vitest';
import { findSecrets, maskSecrets, rules } from '../../src/secrets/index.js';
import { domainTranscript, listOf, providerSamples, recall } from '../helpers/secret-corpus.js';

const occurrences = (text: string, value: string) => text.split(value).length - 1;

describe('the secrets corpus (test/fixtures/secrets)', () => {
  it('masks at least 95% of the provider samples (shapes of the gitleaks rule tests)', () => {
    const samples = providerSamples();
    expect(samples.length).toBeGreaterThan(100);
    const masked = maskSecrets(samples.map((s) => s.line).join('\n')).text;
    const result = recall(
      samples.map((s) => s.secret),
      masked,
    );
    expect(result.leaked.length, `leaked: ${result.leaked.join(', ')}`).toBeLessThanOrEqual(
      Math.floor(samples.length * 0.05),
    );
    expect(result.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('finds each ported rule’s sample with that rule, alone on its line', () => {
    const ids = new Set(rules.map((r) => r.id));
    const wrong = providerSamples()
      .filter((s) => ids.has(s.rule))
      .filter((s) => !findSecrets(s.line).some((f) => f.rule === s.rule))
      .map((s) => `${s.rule}: ${s.line.slice(0, 60)}`);
    // One sample is a token used as a URL's password, which url-password masks first.
    expect(wrong.map((w) => w.split(':')[0])).toEqual(['github-pat']);
  });

  it('masks every secret of the domain transcript', () => {
    const masked = maskSecrets(domainTranscript()).text;
    const secrets = listOf('domain-secrets.txt');
    expect(secrets.length).toBeGreaterThanOrEqual(45);
    expect(recall(secrets, masked).leaked).toEqual([]);
  });

  it('leaves every never-masked value as often as it was there', () => {
    const text = domainTranscript();
    const masked = maskSecrets(text).text;
    for (const value of listOf('never-masked.txt'))
      expect(occurrences(masked, value), value).toBe(occurrences(text, value));
  });

  it('leaves every line without a secret byte for byte', () => {
    const secrets = listOf('domain-secrets.txt');
    const lines = domainTranscript().split('\n');
    const masked = maskSecrets(lines.join('\n')).text.split('\n');
    expect(masked).toHaveLength(lines.length);
    const clean = (l: string) => !secrets.some((s) => l.includes(s) || s.includes(l.trim()));
    // Lines masked whole are the stateful rules' (key blocks, decoded output, block scalars).
    const wholeLine = /^\s*«masked:[a-z0-9-]+(?:, continued)?»$/;
    lines.forEach((line, i) => {
      if (clean(line) && !wholeLine.test(masked[i] ?? ''))
        expect(masked[i], `line ${i + 1}`).toBe(line);
    });
  });
});
