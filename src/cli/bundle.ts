import type { Command } from 'commander';
import { AirgapError } from '../errors.js';
import { bundle } from '../index.js';
import { ARCHIVE_FORMAT_NAMES, isArchiveFormat } from '../model/archive-formats.js';
import { fields, formatBytes, printJson, warn } from './output.js';

interface BundleFlags {
  repo?: string;
  out?: string;
  allowDirty?: boolean;
  format: string;
  strict?: boolean;
  paste?: boolean;
  signKey?: string;
  json?: boolean;
}

export function registerBundle(
  program: Command,
  run: (action: () => Promise<void>, json?: boolean) => Promise<void>,
): void {
  program
    .command('bundle')
    .description(
      'pack committed files named by a bundle spec into a verified archive and paste scripts',
    )
    .argument('<spec>', 'spec name under <repo>/bundles/ or a path to a spec file')
    .option('--repo <dir>', 'the ops repo (default: the git repo around the current directory)')
    .option('--out <dir>', 'where to write <bundle-id>/ (default: <repo>/.airgap/out)')
    .option('--allow-dirty', 'pack HEAD even when covered files have uncommitted changes')
    .option('--format <format>', `archive format: ${ARCHIVE_FORMAT_NAMES.join(' or ')}`, 'tar.gz')
    .option('--strict', 'fail when an image is not recorded in docs/ecr-manifest.md')
    .option('--sign-key <path>', 'ssh private key to sign with (specs with signing)')
    .option('--paste', 'also write PASTE-TRANSFER.md: the archive as checksummed base64 blocks')
    .option('--json', 'print a JSON result instead of text')
    .action((spec: string, flags: BundleFlags) =>
      run(async () => {
        if (!isArchiveFormat(flags.format)) {
          throw new AirgapError(`--format ${flags.format} is not supported`, {
            hint: `use ${ARCHIVE_FORMAT_NAMES.map((name) => `--format ${name}`).join(' or ')}`,
            code: 'usage',
          });
        }
        const result = await bundle({
          spec,
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(flags.out ? { out: flags.out } : {}),
          allowDirty: flags.allowDirty ?? false,
          format: flags.format,
          strict: flags.strict ?? false,
          paste: flags.paste ?? false,
          ...(flags.signKey ? { signKey: flags.signKey } : {}),
          progress: !flags.json,
        });
        const { record } = result;
        const archive = record.archive!;
        if (flags.json) {
          printJson({
            ok: true,
            bundleId: record.id,
            alreadyPrepared: result.alreadyPrepared,
            outDir: result.outDir,
            archive: result.archivePath,
            sha256: archive.sha256,
            size: archive.size,
            recordBytes: result.recordBytes,
            pasteSheetBytes: result.pasteSheetBytes,
            s3: `s3://${record.s3.bucket}/${archive.key}`,
            commit: record.commit,
            files: record.files.length,
            steps: record.units.filter((u) => u.kind === 'step').length,
            images: record.images,
            missingImages: record.missingImages,
            warnings: result.warnings,
          });
          return;
        }
        for (const w of result.warnings) warn(w);
        if (result.alreadyPrepared) {
          process.stdout.write(
            `already prepared: ${record.id} (nothing changed)\n${result.outDir}\n`,
          );
          return;
        }
        const steps = record.units.filter((u) => u.kind === 'step').length;
        const verify = record.units.filter((u) => u.kind === 'verify-cmd').length;
        const lines = [
          `bundle ${record.id} (${record.environment}, commit ${record.commit.slice(0, 7)})`,
          fields([
            [
              'files',
              `${record.files.length} (${formatBytes(result.totalBytes)}), ${steps} steps, ${verify} verify commands`,
            ],
            ['archive', `${archive.file} (${formatBytes(archive.size)})`],
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
          ...record.missingImages.map((image) => `    missing ${image}`),
          fields([
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
      }, flags.json),
    );
}
