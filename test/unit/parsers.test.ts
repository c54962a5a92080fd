import { describe, expect, it } from 'vitest';
import { isAirgapError } from '../../src/errors.js';
import * as parsers from '../../src/parsers.js';
import {
  detectWrapWidth,
  formatMarker,
  type Marker,
  maskSecrets,
  type ParseEvent,
  parseBundleSpec,
  parseMarker,
  parseRecord,
  TranscriptParser,
} from '../../src/parsers.js';

describe('airgap/parsers: the pure parsers, usable without running a command', () => {
  it('round-trips a marker line and finds one behind a prompt', () => {
    const marker: Marker = {
      type: 'end',
      bundleId: 'dev-topics-1a2b3c4',
      n: 3,
      kind: 'step',
      rc: 1,
      epoch: 1_765_000_000,
      nonce: 'abcdef012345',
    };
    const line = formatMarker(marker);
    expect(parseMarker(line)).toEqual(marker);
    expect(parseMarker(`[ec2-user@bastion ~]$ ${line}`)).toEqual(marker);
    expect(parseMarker('@@airgap/1 end dev 3 apply 1765000000')).toBeUndefined();
  });

  it('reads a transcript line by line into attempts', () => {
    const begin = formatMarker({
      type: 'begin',
      bundleId: 'b-1',
      n: 1,
      kind: 'step',
      epoch: 1_765_000_000,
    });
    const end = formatMarker({
      type: 'end',
      bundleId: 'b-1',
      n: 1,
      kind: 'step',
      rc: 0,
      epoch: 1_765_000_001,
    });
    const parser = new TranscriptParser();
    const events: ParseEvent[] = [];
    for (const line of ['$ ls', begin, 'configmap/x created', end])
      parser.push(line, (e) => events.push(e));
    expect(parser.attempts.map((a) => [a.bundleId, a.n, a.kind, a.rc])).toEqual([
      ['b-1', 1, 'step', 0],
    ]);
    expect([...parser.bundleIds]).toEqual(['b-1']);
    expect(events.length).toBeGreaterThan(0);
  });

  it('parses a bundle spec and names file and line when it is wrong', () => {
    const spec = parseBundleSpec(
      'name: topics\nenvironment: dev\nfiles: [k8s/**]\ns3: { bucket: acme-airgap, region: us-east-1 }\n',
      'bundles/topics.yaml',
    );
    expect(spec.name).toBe('topics');
    expect(spec.environment).toBe('dev');
    try {
      parseBundleSpec('name: topics\nenvironment: [dev\n', 'bundles/bad.yaml');
      expect.unreachable('a broken spec was accepted');
    } catch (error) {
      expect(isAirgapError(error)).toBe(true);
      expect((error as Error).message).toMatch(/^bundles\/bad\.yaml:\d+: /);
    }
  });

  it('refuses a record that is not JSON, naming the file', () => {
    expect(() => parseRecord('{ oops', 'bundles/records/x.json')).toThrow(
      /bundles\/records\/x\.json/,
    );
  });

  it('masks a secret in free text and keeps a digest', () => {
    const digest = `sha256:${'ab12'.repeat(16)}`;
    const text = `token ghp_${'a1B2c3D4e5'.repeat(3)}123456 image@${digest}`;
    const masked = maskSecrets(text).text;
    expect(masked).not.toContain('ghp_a1B2');
    expect(masked).toContain(digest);
  });

  it('detects an 80-column hard wrap', () => {
    const lines = Array.from({ length: 12 }, (_, i) => (i % 2 ? 'x'.repeat(80) : 'y'.repeat(23)));
    expect(detectWrapWidth(lines)).toBe(80);
  });

  it('exports functions and classes only (no state, nothing that runs on import)', () => {
    for (const [name, value] of Object.entries(parsers)) {
      expect(['function', 'string'], name).toContain(typeof value);
    }
  });
});
