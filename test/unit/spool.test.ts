import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HelperEcho, spoolTranscript } from '../../src/ingest/parse/spool.js';
import { fixture, tempDir } from '../helpers/fixtures.js';
import { seededRandom } from '../helpers/seeded-random.js';

const dir = fixture(() => tempDir('airgap-spool-'));

const OURS = 'dev-topics-3f2a1c9';
const OTHER = 'prod-topics-0aa11bb';
const NONCE = 'abcdef12';
const COMMANDS = new Map([
  ['step:1', 'kubectl get pods'],
  ['step:2', 'kubectl apply -f a.yaml'],
]);
const HELPER = ['airgap_helpers() {', '  echo loaded', '}'];

type Random = ReturnType<typeof seededRandom>;

const WORDS = ['pod/a', 'created', 'naïve', 'ünïcode —', '日本語', '🙂', 'x', '  ', 'tab\there'];
const MASKS = ['aws-access-key', 'github-pat', 'k8s-secret-data', 'private-key', 'generic-api-key'];
const INVALID = [[0xff], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x99]];

function textLine(r: Random): Array<string | number[]> {
  const parts: Array<string | number[]> = [];
  for (let i = r.int(6); i >= 0; i--) {
    const kind = r.int(20);
    if (kind === 0) parts.push('`'.repeat(1 + r.int(6)));
    else if (kind === 1) parts.push(`«masked:${r.pick(MASKS)}»`);
    else if (kind === 2) parts.push(r.int(10) ? r.pick(WORDS) : r.pick(INVALID));
    else if (kind === 3) parts.push(r.pick(['\x1b[31m', '\r', '\b', '\ufeff', '\t']));
    else if (kind === 4) parts.push(`  password: «masked:${r.pick(MASKS)}»`);
    else if (kind === 5)
      parts.push(r.pick(['-----BEGIN CERTIFICATE-----', `MIIB${'A'.repeat(60)}`]));
    else if (kind === 6) parts.push('w'.repeat(r.int(3) ? 80 : 700));
    else if (kind === 7) parts.push(r.pick(['echo @@airgap/', '@@airgap/1 begin nonsense']));
    else parts.push(r.pick(WORDS));
  }
  if (r.int(5) === 0) parts.push(' '.repeat(1 + r.int(3)));
  return parts;
}

function marker(r: Random, type: 'begin' | 'end', bundle: string, n: number): string {
  const status = type === 'end' ? ` ${r.int(4) ? `rc=${r.int(3)}` : 'skip'}` : '';
  const nonce = r.int(6) ? ` s=${r.int(8) ? NONCE : '99999999'}` : '';
  const before = r.int(5) ? '' : r.pick(['$ ', 'prompt> ', '   ']);
  return `${before}@@airgap/1 ${type} ${bundle} ${n} step${status} 177097320${r.int(10)}${nonce}`;
}

/** A transcript as pass 1 leaves it (or a kept one someone edited): blocks, text, bad bytes. */
function transcript(seed: number): Buffer {
  const r = seededRandom(seed);
  const lines: Array<Array<string | number[]>> = [];
  for (let segment = r.int(12); segment >= 0; segment--) {
    for (let i = r.int(4); i > 0; i--) {
      const kind = r.int(6);
      if (kind === 0) lines.push([`> '${'QUJD'.repeat(10)}' \\`]);
      else if (kind === 1) lines.push([`[ec2-user@ip ~]$ ${r.pick(HELPER)}`]);
      else lines.push(textLine(r));
    }
    const bundle = r.int(5) ? OURS : OTHER;
    const n = 1 + r.int(3);
    lines.push([`[ec2-user@ip ~]$ airgap_run ${n} step 0 'x'`]);
    lines.push([marker(r, 'begin', bundle, n)]);
    const command = COMMANDS.get(`step:${n}`) ?? 'echo hi';
    const context = r.int(6);
    if (context === 0)
      lines.push([`[2026-02-13T09:00:0${r.int(10)}Z host-${r.int(3)}] $ ${command}`]);
    else if (context === 1) lines.push([`[2026-02-13T09:00:00Z host-1] $ ${command}joined`]);
    else if (context === 2) lines.push(textLine(r));
    else if (context > 2) lines.push([`[2026-02-13T09:00:00Z host-1] $ ${command}`]);
    for (let i = r.int(r.int(4) ? 30 : 400); i > 0; i--)
      lines.push(r.int(40) ? textLine(r) : [marker(r, r.int(2) ? 'begin' : 'end', bundle, n)]);
    if (r.int(6)) lines.push([marker(r, 'end', bundle, r.int(5) ? n : n + 1)]);
  }
  const bytes: Buffer[] = [];
  if (r.int(8) === 0) bytes.push(Buffer.from([0xef, 0xbb, 0xbf]));
  for (const [i, line] of lines.entries()) {
    for (const part of line)
      bytes.push(typeof part === 'string' ? Buffer.from(part) : Buffer.from(part));
    const last = i === lines.length - 1;
    if (!last || r.int(3)) bytes.push(Buffer.from(r.int(5) ? '\n' : '\r\n'));
  }
  return Buffer.concat(bytes);
}

/** What the second pass gives, with each attempt's output read back wherever it points. */
async function spool(path: string, work: string, options: Parameters<typeof spoolTranscript>[7]) {
  mkdirSync(work, { recursive: true });
  const echo = new HelperEcho(HELPER);
  const result = await spoolTranscript(path, 't.log', 0, work, OURS, echo, COMMANDS, options);
  const outputs = result.attempts.map((a) =>
    readFileSync(a.outputPath).subarray(a.outputStart, a.outputEnd),
  );
  const attempts = result.attempts.map(({ outputPath, outputStart, outputEnd, ...rest }) => rest);
  return {
    result: { ...result, attempts, otherPath: undefined },
    outputs: Buffer.concat(outputs.flatMap((o) => [o, Buffer.from('\n--\n')])),
    other: readFileSync(result.otherPath),
    paths: result.attempts.map((a) => a.outputPath),
  };
}

describe('spoolTranscript', () => {
  it('gives the same spool, other text and attempts in chunks as line by line', async () => {
    const sizes = [1, 7, 64, 300, 4096, undefined];
    let attempts = 0;
    let bulk = 0;
    let direct = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const path = join(dir().path, `in-${seed}.log`);
      writeFileSync(path, transcript(seed));
      const expected = await spool(path, join(dir().path, `lines-${seed}`), { lineByLine: true });
      const chunkBytes = sizes[seed % sizes.length];
      const actual = await spool(path, join(dir().path, `chunks-${seed}`), { chunkBytes });
      expect({ seed, ...actual.result }).toEqual({ seed, ...expected.result });
      expect(actual.outputs.equals(expected.outputs), `outputs of seed ${seed}`).toBe(true);
      expect(actual.other.equals(expected.other), `other text of seed ${seed}`).toBe(true);
      attempts += expected.result.attempts.length;
      direct += actual.paths.filter((p) => p === path).length;
      bulk += expected.result.attempts.filter((a) => a.lineCount > 3).length;
    }
    // The inputs exercise what they should: many attempts, most with output to copy in bulk.
    expect(attempts).toBeGreaterThan(1000);
    expect(bulk).toBeGreaterThan(500);
    // Most attempts point into the transcript; the others were copied to the spool.
    expect(direct).toBeGreaterThan(attempts / 2);
    expect(direct).toBeLessThan(attempts);
  });

  it('reads a last line without a newline and drops a BOM only at the start', async () => {
    const path = join(dir().path, 'bom.log');
    const text = [
      '\ufeffbefore',
      `@@airgap/1 begin ${OURS} 1 step 1770973200`,
      '[2026-02-13T09:00:00Z host-1] $ kubectl get pods',
      '\ufeffout ``` «masked:github-pat»',
      `@@airgap/1 end ${OURS} 1 step rc=0 1770973201`,
      'tail',
    ].join('\n');
    writeFileSync(path, text);
    const { result, outputs, other, paths } = await spool(path, join(dir().path, 'bom'), {});
    expect(outputs.toString()).toBe('\ufeffout ``` «masked:github-pat»\n\n--\n');
    expect(paths).toEqual([path]);
    expect(other.toString()).toBe('before\ntail\n');
    expect(result.lines).toBe(6);
    expect(result.maskedByRule).toEqual({ 'github-pat': 1 });
    expect(result.attempts[0]).toMatchObject({ lineCount: 1, longestBackticks: 3, masked: 1 });
  });
});
