import type { BundleOptions, BundleResult } from '../index.js';
import { bundle } from '../index.js';
import { ARCHIVE_FORMAT_NAMES, type ArchiveFormat } from '../model/archive-formats.js';
import { externalImagesOf } from '../model/external-images.js';
import { notDryRun } from '../model/plan-notes.js';
import type { CommandSpec } from './command.js';
import { type FieldValue, fields, formatBytes, warn, wrapLine, wrapWords } from './output.js';

interface BundleFlags {
  repo?: string;
  out?: string;
  allowDirty: boolean;
  format: ArchiveFormat;
  strict: boolean;
  paste: boolean;
  signKey?: string;
  json?: boolean;
}

export const bundleCommand: CommandSpec<BundleFlags, BundleOptions, BundleResult> = {
  name: 'bundle',
  description:
    'pack committed files named by a bundle spec into a verified archive and paste scripts',
  arguments: [['<spec>', 'spec name under <repo>/bundles/ or a path to a spec file']],
  options: [
    {
      flags: '--repo <dir>',
      description: 'the ops repo (default: the git repo around the current directory)',
    },
    {
      flags: '--out <dir>',
      description: 'where to write <bundle-id>/ (default: <repo>/.airgap/out)',
    },
    {
      flags: '--allow-dirty',
      description: 'pack HEAD even when covered files have uncommitted changes',
    },
    {
      flags: '--format <format>',
      description: 'archive format',
      choices: ARCHIVE_FORMAT_NAMES,
      default: 'tar.gz',
    },
    {
      flags: '--strict',
      description: 'fail when an image is not recorded in docs/ecr-manifest.md',
    },
    {
      flags: '--sign-key <path>',
      description: 'ssh private key to sign with (specs with signing)',
    },
    {
      flags: '--paste',
      description: 'also write PASTE-TRANSFER.md: the archive as checksummed base64 blocks',
    },
  ],
  toOptions: ([spec], flags) => ({
    spec: spec ?? '',
    repo: flags.repo,
    out: flags.out,
    allowDirty: flags.allowDirty,
    format: flags.format,
    strict: flags.strict,
    paste: flags.paste,
    signKey: flags.signKey,
    progress: !flags.json,
  }),
  call: (options) => bundle(options),
  json: (result) => {
    const { record } = result;
    const archive = record.archive;
    return {
      ok: true,
      bundleId: record.id,
      alreadyPrepared: result.alreadyPrepared,
      ...(result.state ? { state: result.state.status, stateDate: result.state.date } : {}),
      ...(result.rollbackFrom ? { rollbackFrom: result.rollbackFrom } : {}),
      ...(result.undoesRollback ? { undoesRollback: true } : {}),
      outDir: result.outDir,
      archive: result.archivePath,
      sha256: archive.sha256,
      size: archive.size,
      bastionFreeBytes: archive.size + result.totalBytes,
      recordBytes: result.recordBytes,
      pasteSheetBytes: result.pasteSheetBytes,
      s3: `s3://${record.s3.bucket}/${archive.key}`,
      commit: record.commit,
      files: record.files.length,
      steps: record.units.filter((u) => u.kind === 'step').length,
      // The human output's `n verify commands`.
      verifyCommands: record.units.filter((u) => u.kind === 'verify-cmd').length,
      images: record.images,
      missingImages: record.missingImages,
      // Pulled from outside the spec's ECR registry: each with file, line and what to write.
      externalImages: externalImagesOf(record),
      // Applied without a dry run or diff: each creates the Namespace of its own objects.
      notDryRun: notDryRun(record.planNotes),
      warnings: result.warnings,
    };
  },
  print: (result, flags) => {
    const { record } = result;
    const archive = record.archive;
    for (const w of result.warnings) warn(w);
    const rollback = !result.rollbackFrom
      ? ''
      : result.undoesRollback
        ? `, undoing the rollback to ${result.rollbackFrom}`
        : `, a rollback from ${result.rollbackFrom}`;
    if (result.rollbackFrom && !result.alreadyPrepared) {
      process.stdout.write(
        `${wrapLine(`prepared again: ${record.id}${rollback}`)}\n${result.outDir}\n`,
      );
      return;
    }
    if (result.alreadyPrepared) {
      // Its recorded state: "already prepared" of a deployed or failed bundle read as "paste it".
      const state = result.state;
      const line =
        !state || state.status === 'prepared'
          ? `already prepared: ${record.id}${rollback} (nothing changed)`
          : `already built: ${record.id}${rollback} (${state.status} ${state.date}, nothing changed)`;
      process.stdout.write(`${wrapLine(line)}\n${result.outDir}\n`);
      return;
    }
    const steps = record.units.filter((u) => u.kind === 'step').length;
    const verify = record.units.filter((u) => u.kind === 'verify-cmd').length;
    const lines = [
      wrapLine(`bundle ${record.id} (${record.environment}, commit ${record.commit.slice(0, 7)})`),
      fields([
        [
          'files',
          `${record.files.length} (${formatBytes(result.totalBytes)}), ${steps} steps, ${verify} verify commands`,
        ],
        ['archive', `${archive.file} (${formatBytes(archive.size)})`],
        // The bastion keeps the archive and extracts beside it: a sparse file is small only here.
        [
          'bastion',
          `needs ${formatBytes(archive.size + result.totalBytes)} free in ~/airgap to download and extract`,
        ],
        [
          'documents',
          `bundle.json ${formatBytes(result.recordBytes)}, PASTE.md ${formatBytes(result.pasteSheetBytes)}`,
        ],
        ['sha256', archive.sha256],
        ['s3', `s3://${record.s3.bucket}/${archive.key}`],
        [
          'images',
          `${record.images.length} referenced, ${record.missingImages.length} not recorded in ECR for ${record.environment}`,
        ],
      ]),
      // One image a line; one too long for 80 columns goes under the word, whole (it is copied).
      ...record.missingImages.flatMap((image) =>
        wrapWords('    ', `missing ${image}`, 80, '      '),
      ),
      fields([
        ...dryRunRows(record.planNotes),
        [
          'next',
          flags.paste
            ? 'paste PASTE-TRANSFER.md on the bastion, then the bastion blocks in PASTE.md'
            : 'upload from CloudShell, then paste the bastion blocks in PASTE.md',
        ],
      ]),
      result.outDir,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};

/**
 * The files applied without a dry run (each creates the Namespace of its own objects), one a
 * line: where one decides to ship, not only in PASTE.md (n9's finding 5).
 */
function dryRunRows(planNotes: readonly string[] | undefined): Array<[string, FieldValue]> {
  const files = notDryRun(planNotes);
  if (!files.length) return [];
  return [
    [
      'dry run',
      `none for ${files.length > 1 ? 'these files' : 'this file'}: each creates the Namespace of its own objects`,
    ],
    ['', files.map((f) => f.path)],
  ];
}
