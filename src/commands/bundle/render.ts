import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertWithinLimits } from '../../bundle/limits.js';
import type { BundleRecord } from '../../model/record.js';
import {
  pasteTransferBlocks,
  pasteTransferScript,
  renderPasteTransfer,
} from '../../paste/paste-transfer.js';
import { renderOutDirScripts } from '../../paste/render.js';
import { writeText } from '../../util/write-text.js';

/**
 * Render phase: everything beside the archive in the bundle directory, from the finished
 * record: the checksum sidecar, bundle.json, PASTE.md and the scripts.
 */
export async function renderBundleDir(
  stagingDir: string,
  record: BundleRecord,
  recordJson: string,
  paste: boolean,
  warnings: string[],
): Promise<void> {
  const archive = record.archive;
  await writeFile(
    join(stagingDir, `${archive.file}.sha256`),
    `${archive.sha256}  ${archive.file}\n`,
  );
  await writeText(join(stagingDir, 'bundle.json'), recordJson);
  if (paste) {
    const blocks = pasteTransferBlocks(record, await readFile(join(stagingDir, archive.file)));
    await writeFile(join(stagingDir, 'PASTE-TRANSFER.md'), renderPasteTransfer(record, blocks));
    await writeFile(join(stagingDir, 'paste-transfer.sh'), pasteTransferScript(record, blocks), {
      mode: 0o755,
    });
  }
  const scripts = renderOutDirScripts(record);
  const pasteSheet = scripts.find((s) => s.name === 'PASTE.md');
  // Limits the bastion and CloudShell impose: warned above soft ones, refused above hard ones.
  assertWithinLimits(record, Buffer.byteLength(pasteSheet?.content ?? ''), warnings);
  for (const script of scripts) {
    await writeFile(join(stagingDir, script.name), script.content, {
      mode: script.executable ? 0o755 : 0o644,
    });
  }
}
