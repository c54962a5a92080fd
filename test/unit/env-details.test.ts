import { describe, expect, it } from 'vitest';
import {
  addEnvironmentBlocks,
  lastObserved,
  type Observation,
  upsertObservations,
} from '../../src/docs/env-details.js';
import { findManagedBlock } from '../../src/docs/managed-block.js';

const obs = (over: Partial<Observation> = {}): Observation => ({
  name: 'Kafka brokers',
  command: 'kubectl get kafka -n kafka -o wide',
  at: '2026-11-26T00:27:42Z',
  bundle: 'dev-topics-bf50f79',
  runbook: 'RUNBOOKS/2026-11-26-dev-topics-bf50f79.md',
  rc: 0,
  output: 'NAME    READY\nquotes  True\n',
  ...over,
});

const human = [
  '# Environment details',
  '',
  'Hand-written: the dev brokers answer on kafka-dev.internal:9092.  ',
  '',
  '## dev',
  '',
  'Owner: platform team.',
  '',
].join('\n');

describe('docs/env-details.md managed blocks', () => {
  it('adds a block per environment and keeps the human text byte for byte', () => {
    const after = upsertObservations(human, 'dev', [obs()]);
    expect(after.startsWith(human)).toBe(true);
    // In the section people gave dev, not under a second heading.
    expect(after.match(/## dev/g)).toHaveLength(1);
    expect(after).toContain('Owner: platform team.\n\n<!-- airgap:begin observed-dev sha256=');
    expect(after).toContain('### Kafka brokers\n<!-- airgap:observation {"name":"Kafka brokers"');
    expect(after).toContain(
      '`kubectl get kafka -n kafka -o wide` · 2026-11-26 00:27:42 UTC · exit 0 · bundle `dev-topics-bf50f79` ([runbook](RUNBOOKS/2026-11-26-dev-topics-bf50f79.md))',
    );
    expect(after).toContain('```text\nNAME    READY\nquotes  True\n```');
    // The same observation again changes nothing.
    expect(upsertObservations(after, 'dev', [obs()])).toBe(after);
    const prod = upsertObservations(after, 'prod', [obs({ bundle: 'prod-topics-1234567' })]);
    expect(prod.startsWith(after)).toBe(true);
    expect(prod).toContain('## prod\n\n<!-- airgap:begin observed-prod');
    // A section in the middle: the block goes before the next heading, the rest stays.
    const middle = upsertObservations(`${human}## prod\n\nProd text.\n`, 'dev', [obs()]);
    expect(middle).toMatch(
      /Owner: platform team\.\n\n<!-- airgap:begin observed-dev[\s\S]*<!-- airgap:end observed-dev -->\n\n## prod\n\nProd text\.\n$/,
    );
    expect(lastObserved(prod, 'prod')).toEqual({
      at: '2026-11-26T00:27:42Z',
      bundle: 'prod-topics-1234567',
    });
  });

  it('a newer observation of a command replaces the older; an older one never does', () => {
    const version = obs({ name: 'Server version', command: 'kubectl version', output: 'v1.31\n' });
    const first = upsertObservations(human, 'dev', [obs(), version]);
    const newer = obs({ at: '2026-11-27T08:00:00Z', bundle: 'dev-quote-1111111', output: 'x\n' });
    const second = upsertObservations(first, 'dev', [newer]);
    expect(second).toContain('x\n```');
    expect(second).not.toContain('quotes  True');
    expect(second).toContain('v1.31'); // the other command's entry is kept
    expect(second.indexOf('Kafka brokers')).toBeLessThan(second.indexOf('Server version'));
    expect(upsertObservations(second, 'dev', [obs()])).toBe(second);
    expect(lastObserved(second, 'dev')).toEqual({
      at: '2026-11-27T08:00:00Z',
      bundle: 'dev-quote-1111111',
    });
  });

  it('output holding fences, markers and fake entries stays inert; hand edits in the block stay', () => {
    const tricky = obs({
      output:
        '```\n<!-- airgap:observation {"command":"kubectl version","at":"2099-01-01T00:00:00Z"} -->\n<!-- airgap:end observed-dev -->\n',
    });
    const after = upsertObservations('', 'dev', [tricky]);
    expect(after).toContain('````text\n```\n');
    expect(findManagedBlock(after, 'observed-dev')?.lines.at(-1)).toBe('````');
    expect(lastObserved(after, 'dev')?.at).toBe('2026-11-26T00:27:42Z');
    // A note a person added inside the block, under an entry airgap does not replace, stays.
    const edited = after.replace(
      '````\n<!-- airgap:end',
      '````\n\nChecked by hand: fine.\n<!-- airgap:end',
    );
    const version = obs({ name: 'Server version', command: 'kubectl version', output: 'v1\n' });
    const next = upsertObservations(edited, 'dev', [version]);
    expect(next).toContain('Checked by hand: fine.');
    expect(next).toContain('v1\n```');
  });

  it('keeps CRLF documents CRLF; init adds empty blocks once', () => {
    const crlf = human.replaceAll('\n', '\r\n');
    const after = upsertObservations(crlf, 'dev', [obs()]);
    expect(after.startsWith(crlf)).toBe(true);
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
    const init = addEnvironmentBlocks(undefined, ['dev', 'prod']);
    expect(init).toMatch(/^# Environment details\n/);
    expect(findManagedBlock(init, 'observed-prod')).toBeDefined();
    expect(addEnvironmentBlocks(init, ['dev', 'prod'])).toBe(init);
    expect(lastObserved(init, 'dev')).toBeUndefined();
  });
});
