import { describe, expect, it } from 'vitest';
import {
  type HelperKind,
  kindInfo,
  type MarkerKind,
  UNIT_KINDS,
  type UnitKindInfo,
} from '../../src/model/markers.js';
import type { BundleRecord, Unit } from '../../src/model/record.js';
import { bastionBlocks, helpersSource } from '../../src/paste/bastion.js';
import { cloudshellBlocks, cloudshellUnits } from '../../src/paste/cloudshell.js';

const ecr = '111122223333.dkr.ecr.us-east-1.amazonaws.com';

/** A record whose plan has one unit of every bastion kind, in table order. */
function everyKind(): BundleRecord {
  const units: Unit[] = UNIT_KINDS.filter((kind) => kindInfo(kind).side === 'bastion').map(
    (kind, i) => ({
      n: i + 1,
      kind,
      name: `a ${kind} unit`,
      ...(kindInfo(kind).runs === 'command' ? { command: `echo ${kind}` } : {}),
    }),
  );
  return {
    format: 'airgap-bundle/1',
    id: 'dev-kinds-abc1234',
    name: 'dev-kinds',
    environment: 'dev',
    description: 'Every kind',
    commit: 'abc1234'.padEnd(40, '0'),
    commitTime: '2026-01-01T00:00:00.000Z',
    specPath: 'bundles/dev-kinds.yaml',
    spec: { ecr: { registry: ecr, region: 'us-east-1' } } as BundleRecord['spec'],
    files: [],
    units,
    images: ['nginx:1.27'],
    // A public image CloudShell can push: it makes an image unit.
    missingImages: ['nginx:1.27'],
    s3: { bucket: 'acme-airgap', prefix: 'bundles/dev', region: 'us-east-1' },
    archive: {
      file: 'dev-kinds-abc1234.tar.gz',
      format: 'tar.gz',
      sha256: 'a'.repeat(64),
      size: 1000,
      key: 'bundles/dev/dev-kinds-abc1234.tar.gz',
    },
  };
}

describe('the unit kind table drives the paste blocks and helpers.sh', () => {
  it('puts every bastion unit, of every kind, in exactly one bastion block', () => {
    const record = everyKind();
    const placed = bastionBlocks(record).flatMap((b) => b.units ?? []);
    expect([...placed].sort((a, b) => a - b)).toEqual(record.units.map((u) => u.n));
  });

  it('names kinds with [a-z-] only: helpers.sh writes them unquoted in its tests of $kind', () => {
    for (const kind of UNIT_KINDS) expect(kind).toMatch(/^[a-z][a-z-]*$/);
  });

  it('puts every CloudShell kind in a CloudShell block', () => {
    const record = everyKind();
    const units = cloudshellUnits(record);
    const placed = new Set(cloudshellBlocks(record).flatMap((b) => b.units ?? []));
    const kinds = UNIT_KINDS.filter((kind) => kindInfo(kind).side === 'cloudshell');
    expect([...new Set(units.map((u) => u.kind))].sort()).toEqual([...kinds].sort());
    for (const unit of units) expect(placed.has(unit.n), `${unit.kind} ${unit.n}`).toBe(true);
  });

  it('gives each helper kind its shell function and dispatch; command kinds go to run()', () => {
    const helpers = helpersSource(everyKind());
    const dispatch = helpers.slice(helpers.lastIndexOf('case "$kind" in'));
    for (const kind of UNIT_KINDS) {
      const info = kindInfo(kind);
      const defined = helpers.includes(`\n${kind}() {\n`);
      const dispatched = dispatch.includes(`\n${kind}) ${kind} ;;\n`);
      expect({ kind, defined, dispatched }).toEqual({
        kind,
        defined: info.runs === 'helper',
        dispatched: info.runs === 'helper',
      });
    }
    expect(helpers).toContain('\nrun() {\n');
    expect(dispatch).toContain('\n*) run "$@" ;;\n');
  });

  it('builds run()’s checks of $kind from the table', () => {
    const helpers = helpersSource(everyKind());
    const run = helpers.slice(
      helpers.indexOf('\nrun() {'),
      helpers.indexOf('\n}', helpers.indexOf('\nrun() {')),
    );
    const commandKinds = UNIT_KINDS.filter((kind) => kindInfo(kind).runs === 'command');
    const waits = (kind: MarkerKind) => {
      const info = kindInfo(kind);
      return info.runs === 'command' ? info.waitsFor : undefined;
    };
    for (const kind of commandKinds) {
      // A kind that runs unverified is named in the first test, one outside the steps in the
      // second and in the failure record, one whose exit 1 is success in the diff test.
      expect(run.includes(`[ "$kind" != ${kind} ] && [ ! -f "$state/verified" ]`)).toBe(
        waits(kind) === 'nothing',
      );
      expect(run.split(`[ "$kind" != ${kind} ]`).length - 1).toBe(
        (waits(kind) === 'nothing' ? 1 : 0) + (waits(kind) === 'steps' ? 0 : 2),
      );
      const info = kindInfo(kind);
      expect(run.includes(`[ "$kind" = ${kind} ] && [ "$rc" -eq 1 ]`)).toBe(
        info.runs === 'command' && info.exit1IsSuccess,
      );
    }
  });

  it('is exhaustive at compile time (checked by tsc, which type-checks test/)', () => {
    // @ts-expect-error: an entry without its paste block, run start and runner does not compile
    const incomplete: UnitKindInfo = { side: 'bastion', section: 'step', counts: true };
    // @ts-expect-error: a command kind must say what it waits for and whether exit 1 succeeds
    const noGate: UnitKindInfo = {
      side: 'bastion',
      section: 'step',
      counts: true,
      paste: 'step',
      startsRun: false,
      runs: 'command',
    };
    // @ts-expect-error: helpers.sh keeps a Record<HelperKind, …> of shell functions; one missing fails
    const functions: Record<HelperKind, string> = { download: '', verify: '', extract: '' };
    expect([incomplete, noGate, functions]).toHaveLength(3);
  });
});
