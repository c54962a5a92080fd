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
