import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectWrapWidth, displayWidth, HardWrapJoiner } from '../../src/ingest/clean/wrap.js';
import { parseMarker } from '../../src/model/markers.js';
import { projectRoot } from '../helpers/ops-repo.js';

const capture = (name: string) =>
  readFileSync(join(projectRoot, 'test/fixtures/captures', name), 'utf8')
    .replace(/\n$/, '')
    .split('\n');

function rejoin(lines: readonly string[]) {
  const out: string[] = [];
  const joiner = new HardWrapJoiner((line) => out.push(line));
  for (const line of lines) joiner.push(line);
  joiner.finish();
  return { out, joiner };
}

/** Cuts lines at `width` columns as a terminal's copy does (trailing spaces dropped). */
const wrapAt = (width: number, lines: readonly string[]) =>
  lines.flatMap((line) => {
    const pieces: string[] = [];
    for (let i = 0; i < line.length; i += width) pieces.push(line.slice(i, i + width).trimEnd());
    return pieces.length ? pieces : [''];
  });

describe('displayWidth', () => {
  it('counts wide characters twice, tabs to the next stop and combining marks not at all', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('a\tb')).toBe(9);
    expect(displayWidth('e\u0301')).toBe(1);
  });
});

describe('HardWrapJoiner on a real tmux copy at 80 columns (capture-pane without -J)', () => {
  it('detects the width and gives back the -J copy, except the line of exactly 80', () => {
    const wrapped = capture('tmux-80col-wrapped.txt');
    const joined = capture('tmux-80col-joined.txt').map((l) => l.trimEnd());
    expect(detectWrapWidth(wrapped)).toBe(80);
    const { out, joiner } = rejoin(wrapped);
    const exactly = joined.findIndex((l) => l.startsWith('exactly-eighty'));
    // An 80-character line cannot be told from a wrapped one: it is joined, and said so.
    const expected = [
      ...joined.slice(0, exactly),
      joined[exactly]! + joined[exactly + 1]!,
      ...joined.slice(exactly + 2),
    ];
    expect(out).toEqual(expected);
    expect(joiner.width).toBe(80);
    expect(joiner.uncertainJoins).toBeGreaterThan(0);
  });

  it('leaves the -J copy (lines wider than 80) untouched', () => {
    const joined = capture('tmux-80col-joined.txt');
    expect(detectWrapWidth(joined)).toBeUndefined();
    expect(rejoin(joined).out).toEqual(joined);
  });
});

describe('markers cut by the wrap', () => {
  const id = `${'a'.repeat(24)}-1234567`;
  const begin = `[ec2-user@ip-10-0-1-23 ~]$ @@airgap/1 begin ${id} 12 verify-cmd 1770973200 s=0123456789abcdef`;
  const end = `@@airgap/1 end ${id} 12 verify-cmd rc=0 1770973201 s=0123456789abcdef`;

  it('are put back together, even where the cut fell on a dropped space', () => {
    const lines = [begin, 'short output', end, 'x'.repeat(30)];
    for (const width of [60, 80, 100]) {
      const { out, joiner } = rejoin(wrapAt(width, lines));
      expect(joiner.width).toBe(width);
      expect(out.filter((l) => parseMarker(l)).length).toBe(2);
      expect(out).toContain(begin);
      expect(out).toContain(end);
    }
  });

  it('keeps a whole marker as wide as the terminal apart from the line after it', () => {
    const marker = `@@airgap/1 end ${id.slice(0, 20)} 4 step rc=0 1770973201`;
    const width = marker.length;
    const text = 'y'.repeat(width * 2 + 5);
    const { out } = rejoin(wrapAt(width, [text, text, text, marker, 'next line', 'more']));
    expect(out).toEqual([text, text, text, marker, 'next line', 'more']);
  });
});

describe('the 80-column leftovers of issue 23', () => {
  const prompt = '[ec2-user@ip-10-0-1-23 ~]$ ';
  // Three long lines so the width is detected as a terminal's copy would show it.
  const filler = Array.from({ length: 3 }, (_, i) => `${i}`.repeat(170));

  it('keeps the rest of a command echo cut on a space out of the next output', () => {
    const head = `${prompt}kubectl apply --server-side --field-manager=`;
    const command = `${head.padEnd(79, 'o')} -f k8s/dev/topics/quote-requested.yaml`;
    expect(command[79]).toBe(' '); // the cut falls on the space, which the copy drops
    const output = 'kafkatopic.kafka.strimzi.io/quote-requested serverside-applied';
    const wrapped = wrapAt(80, [...filler, command, output]);
    expect(wrapped).toContain(command.slice(0, 79));
    const { out } = rejoin(wrapped);
    expect(out).toEqual([...filler, command, output]);
  });

  it('rejoins a dry run line cut on a space of its suffix, and nothing else one column short', () => {
    // Index 79 (column 80) is a space, which the copy trims: one line per space of the suffix.
    const cut = (name: string, before: string, after: string) =>
      `${name.padEnd(79 - before.length, 'x')}${before} ${after}`;
    // Enough rows of exactly 80 that the rows one short do not hide the wrap.
    const wide = Array.from({ length: 10 }, (_, i) => `${i}`.repeat(170));
    const lines = [
      ...wide,
      cut('networkpolicy.networking.k8s.io/argocd-', '', 'serverside-applied (server dry run)'),
      cut('role.rbac.authorization.k8s.io/argocd-', ' serverside-applied', '(server dry run)'),
      cut('role.rbac.authorization.k8s.io/argocd-', ' serverside-applied (server', 'dry run)'),
      cut('role.rbac.authorization.k8s.io/argocd-', ' serverside-applied (server dry', 'run)'),
      cut('configmap/argocd-', ' created', '(dry run)'),
      cut('configmap/argocd-', ' created (dry', 'run)'),
    ];
    for (const line of lines.slice(10)) expect(line[79]).toBe(' ');
    const wrapped = wrapAt(80, lines);
    expect(wrapped.filter((l) => l.length === 79)).toHaveLength(6);
    expect(rejoin(wrapped).out).toEqual(lines);
    // One short but whole: the next line stays apart, a dry run suffix or not.
    const apart = [
      ...wide,
      `${'x'.repeat(62)} (server dry run)`,
      '(dry run)',
      'y'.repeat(79),
      'run)',
      `${'z'.repeat(60)} serverside-applied`,
      'deployment.apps/argocd-server created',
    ];
    expect(apart.slice(10).every((l) => l.length === 79 || l.length < 40)).toBe(true);
    expect(rejoin(wrapAt(80, apart)).out).toEqual(apart);
  });

  it('keeps an output line of exactly 80 apart from a prompt, a marker or a blank after it', () => {
    const eighty = (s: string) => s.padEnd(80, '-');
    const lines = [
      ...filler,
      eighty('deployment.apps/orders-svc configured '),
      `@@airgap/1 end ${'a'.repeat(24)}-1234567 3 apply rc=0 1770973201`,
      eighty('configmap/orders-config unchanged '),
      '',
      eighty('service/orders-svc unchanged '),
      `${prompt}echo next`,
      'next',
      eighty('service/quotes unchanged '),
      prompt.trimEnd(),
    ];
    expect(rejoin(wrapAt(80, lines)).out).toEqual(lines);
  });

  it('rejoins kubectl get rows wider than 80, also where the cut fell in the padding', () => {
    const table = [
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE'],
      ['orders-svc-7d9f8b6c5-x2x9z', '1/1', 'Running', '0', '3d4h', '10.0.1.23'],
      ['payments-svc-5c6b7d8f9-abcde', '1/1', 'Running', '2 (5m ago)', '12d', '10.0.1.7'],
      ['quotes-7f8', '0/1', 'Pending', '0', '4s', '<none>'],
      // Its IP ends in column 79: the piece is 79 wide, one short as a cut space leaves it.
      ['api-5d4', '1/1', 'Running', '0', '9d', '10.0.1.199'],
    ].map((row, i) => [
      ...row,
      ...(i === 0 ? [] : [`ip-10-0-1-${i}.eu-west-1.compute.internal`, '<none>']),
    ]);
    // Columns padded as kubectl's tabwriter does: to the widest cell plus three spaces.
    const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
    const lines = table.map((row) =>
      row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]! + 3))).join(''),
    );
    // Output after the table (no prompt between) is not taken for a row.
    const after = [
      'deployment.apps/orders-svc restarted',
      'pod/orders-svc-7d9f8b6c5-x2x9z deleted',
    ];
    const wrapped = wrapAt(80, [...filler, ...lines, ...after, `${prompt}`.trimEnd()]);
    // Honest: some pieces were cut inside the padding and lost their trailing spaces.
    const cutInPadding = lines.filter((l) => l[79] === ' ').length;
    expect(cutInPadding).toBeGreaterThan(0);
    expect(wrapped.map((l) => l.length)).toContain(79);
    const { out } = rejoin(wrapped);
    expect(out).toEqual([...filler, ...lines, ...after, `${prompt}`.trimEnd()]);
  });
});
