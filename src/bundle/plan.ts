import { posix } from 'node:path';
import { AirgapError } from '../errors.js';
import type { ArchiveFormat, BundleFile, Unit } from '../model/record.js';
import { RESERVED_NAMES } from '../model/record-format.js';
import type { BundleSpec } from '../model/spec.js';
import type { TreeEntry } from '../repo/git.js';
import { globMatcher } from '../util/glob.js';
import { sha256Hex } from '../util/hash.js';
import { stableJson } from '../util/stable-json.js';
import { lineOf } from '../util/yaml-lines.js';
import { type DefaultPlan, defaultPlan, type PlannedStep } from './default-plan.js';
import { makeMatcher, NO_COMMITTED_MATCH } from './dirty.js';
import type { ManifestObject } from './manifest-objects.js';
import { matchableName, nameProblem } from './names.js';

export { dirtyMatches, makeMatcher } from './dirty.js';

/**
 * What a bundle ships and does, hashed: each file's path, mode and git blob id, the spec, the
 * archive format and the generator version. The commit is left out, so committing the bundle
 * record (or anything else the spec does not cover) keeps the id.
 */
export function contentHash(input: {
  generator: string;
  format: ArchiveFormat;
  specPath: string;
  spec: BundleSpec;
  entries: ReadonlyArray<Pick<TreeEntry, 'path' | 'mode' | 'objectId'>>;
}): string {
  return sha256Hex(
    stableJson({
      generator: input.generator,
      format: input.format,
      specPath: input.specPath,
      spec: input.spec,
      files: input.entries.map((e) => [e.path, e.mode, e.objectId]),
    }),
  );
}

/** `<name>-<7 hex of the content hash>`: as long as the commit-based ids were, so markers fit. */
export function bundleIdFor(name: string, hash: string): string {
  return `${name}-${hash.slice(0, 7)}`;
}

/** Selects the committed entries the spec names; every glob must match something. */
export function selectEntries(
  spec: BundleSpec,
  tree: readonly TreeEntry[],
  specFile: string,
  /** The spec's text, to name the line of a glob that matches nothing. */
  specText?: string,
): TreeEntry[] {
  const exclude = makeMatcher(spec.exclude ?? []);
  const problems: string[] = [];
  const badNames = new Set<string>();
  const selected = new Map<string, TreeEntry>();
  spec.files.forEach((glob, index) => {
    const matches = globMatcher(glob, { dot: true });
    let count = 0;
    for (const entry of tree) {
      const name = matchableName(entry.path);
      if (!matches(name) || exclude(name)) continue;
      count++;
      // Before the map below: names that are not UTF-8 can decode to the same string.
      const badName = nameProblem(entry);
      if (badName) {
        badNames.add(badName);
      } else if (entry.type === 'commit') {
        problems.push(`${entry.path}: is a git submodule; list the files inside it instead`);
      } else {
        selected.set(entry.path, entry);
      }
    }
    if (count === 0) {
      problems.push(
        `${specFile}${specText === undefined ? '' : `:${lineOf(specText, ['files', String(index)])}`}: files[${index}] "${glob}" ${NO_COMMITTED_MATCH}: commit the files or fix the glob`,
      );
    }
  });
  if (badNames.size) {
    throw new AirgapError(`${badNames.size} file name(s) cannot travel to the bastion intact`, {
      details: [...badNames].sort(),
      hint: 'rename them with git mv and commit: UTF-8, no newline or carriage return, each part at most 255 bytes',
      code: 'invalidSpec',
    });
  }
  for (const entry of selected.values()) {
    if ((RESERVED_NAMES as readonly string[]).includes(entry.path)) {
      problems.push(
        `${entry.path}: the name is reserved for the bundle's own metadata; move or exclude it`,
      );
    }
  }
  if (problems.length) {
    throw new AirgapError(`${specFile}: the files section does not select a valid set`, {
      details: problems,
      hint: 'only committed files can be bundled; check `git ls-files`',
      code: 'invalidSpec',
    });
  }
  return [...selected.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A symlink must stay inside the bundle's tree once extracted. */
export function symlinkProblem(path: string, target: string): string | undefined {
  if (posix.isAbsolute(target))
    return `${path}: symlink to an absolute path (${target}) is not shipped`;
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === '..' || resolved.startsWith('../')) {
    return `${path}: symlink points outside the repo (${target})`;
  }
  return undefined;
}

/**
 * Steps to run on the bastion: the spec's, or the default plan (see default-plan.ts). The
 * manifests are asked for only by the default plan: with 240,000 objects, building them costs.
 */
export function planSteps(
  spec: BundleSpec,
  files: readonly BundleFile[],
  manifests: () => ReadonlyMap<string, readonly ManifestObject[]>,
): DefaultPlan {
  if (spec.steps) return { steps: spec.steps.map((step) => ({ ...step })), notes: [] };
  return defaultPlan(spec.files, files, manifests(), spec.namespace);
}

export function planUnits(
  steps: readonly PlannedStep[],
  verify: readonly string[],
  ecrCheck?: string,
  observe: ReadonlyArray<{ name: string; run: string }> = [],
): Unit[] {
  const units: Unit[] = [
    { n: 1, kind: 'download', name: 'Download the bundle from S3' },
    { n: 2, kind: 'verify', name: 'Verify the archive checksum' },
    { n: 3, kind: 'extract', name: 'Extract and verify every file' },
  ];
  if (ecrCheck)
    units.push({ n: 4, kind: 'ecr-check', name: 'Check the images in ECR', command: ecrCheck });
  for (const step of steps) {
    units.push({
      n: units.length + 1,
      kind: step.kind ?? 'step',
      name: step.name,
      command: step.run,
      ...(step.continueOnError ? { continueOnError: true } : {}),
      ...(step.block ? { group: step.block } : {}),
      ...(step.why ? { why: step.why } : {}),
      ...(step.waitsFor ? { waitsFor: step.waitsFor } : {}),
    });
  }
  for (const command of verify) {
    units.push({ n: units.length + 1, kind: 'verify-cmd', name: `Verify: ${command}`, command });
  }
  units.push({ n: units.length + 1, kind: 'summary', name: 'Summary' });
  // After the summary: the result is decided before them, and they run whatever it was.
  for (const o of observe)
    units.push({ n: units.length + 1, kind: 'observe', name: o.name, command: o.run });
  return units;
}

/** `sha256sum -c` format, with GNU's escaping for names holding a backslash or newline. */
export function renderSha256Sums(files: readonly BundleFile[]): string {
  return files.map(sha256SumsLine).join('');
}

/** A file's line of SHA256SUMS; none for a symlink (sha256sum -c would follow it). */
export function sha256SumsLine(f: BundleFile): string {
  if (f.mode === '120000') return '';
  if (/[\\\n\r]/.test(f.path)) {
    const escaped = f.path.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r');
    return `\\${f.sha256}  ${escaped}\n`;
  }
  return `${f.sha256}  ${f.path}\n`;
}

export function tarMode(gitMode: string): number {
  if (gitMode === '100755') return 0o755;
  if (gitMode === '120000') return 0o777;
  return 0o644;
}
