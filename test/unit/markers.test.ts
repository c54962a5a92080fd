import { describe, expect, it } from 'vitest';
import {
  formatMarker,
  MAX_UNITS,
  type Marker,
  parseMarker,
  UNIT_KIND_INFO,
  UNIT_KINDS,
} from '../../src/model/markers.js';

describe('marker protocol', () => {
  it('round-trips every kind, with and without a nonce', () => {
    for (const kind of UNIT_KINDS) {
      for (const nonce of [undefined, '3fa9c1d2']) {
        const marker: Marker = {
          type: 'end',
          bundleId: 'dev-x-1a2b3c4',
          n: 12,
          kind,
          rc: 3,
          epoch: 1764150000,
        };
        if (nonce) marker.nonce = nonce;
        expect(parseMarker(formatMarker(marker))).toEqual(marker);
      }
    }
  });

  it('numbers units up to MAX_UNITS and no further', () => {
    const line = (n: number) => `@@airgap/1 begin b-1 ${n} step 1764150000`;
    expect(parseMarker(line(MAX_UNITS))?.n).toBe(MAX_UNITS);
    expect(parseMarker(line(MAX_UNITS + 1))).toBeUndefined();
  });

  it('rejects a nonce that is not lowercase hex', () => {
    expect(parseMarker('@@airgap/1 begin b-1 2 step 1764150000 s=XYZ123')).toBeUndefined();
  });

  it('tells verify from verify-cmd', () => {
    expect(parseMarker('@@airgap/1 begin b-1 2 verify 1764150000')?.kind).toBe('verify');
    expect(parseMarker('@@airgap/1 begin b-1 9 verify-cmd 1764150000')?.kind).toBe('verify-cmd');
  });

  it('has one table entry per kind, CloudShell kinds outside the outcome', () => {
    expect(Object.keys(UNIT_KIND_INFO).sort()).toEqual([...UNIT_KINDS].sort());
    for (const kind of UNIT_KINDS)
      if (UNIT_KIND_INFO[kind].side === 'cloudshell')
        expect(UNIT_KIND_INFO[kind].counts).toBe(false);
  });
});

describe('marker lines in a terminal copy', () => {
  const id = 'dev-topics-3f2a1c9';
  it('round-trip and stay under 80 columns for the longest bundle id', () => {
    const longest = `${'a'.repeat(24)}-1234567`;
    const marker = {
      type: 'end' as const,
      bundleId: longest,
      n: 99,
      kind: 'verify-cmd' as const,
      rc: 255,
      epoch: 1770973200,
    };
    const line = formatMarker(marker);
    expect(line.length).toBeLessThan(80);
    expect(parseMarker(line)).toEqual(marker);
  });
  it.each([
    ['an echoed printf format', 'printf \'@@airgap/1 begin %s %s %s %s\\n\' "$AIRGAP_ID"'],
    ['another version', '@@airgap/2 begin x-1234567 1 step 1770973200'],
    ['an end marker without status', `@@airgap/1 end ${id} 1 step 1770973200`],
  ])('ignores %s', (_label, line) => {
    expect(parseMarker(line)).toBeUndefined();
  });
  it('finds a marker after a prompt and before trailing spaces', () => {
    expect(
      parseMarker(`[ec2-user@ip-10-0-1-23 ~]$ @@airgap/1 begin ${id} 4 step 1770973200   `)?.n,
    ).toBe(4);
  });
});
