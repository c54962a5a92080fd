import { createHash } from 'node:crypto';
import { AirgapError } from '../errors.js';
import type { BundleRecord } from '../model/record.js';
import type { PasteBlock } from './bastion.js';
import { renderBlocks } from './render.js';
import { joinSh, raw, sh } from './sh.js';

/** Base64 text per pasted block: small enough for any terminal's paste buffer. */
export const PASTE_CHUNK_CHARS = 32 * 1024;
/** Beyond this an archive is hundreds of pastes: S3 is the right path. */
export const PASTE_MAX_BYTES = 2 * 1024 * 1024;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Blocks that carry the archive through the clipboard when a bastion can only receive what
 * is pasted: base64 parts in quoted heredocs (base64 never contains the delimiter line), each
 * with its own checksum, reassembled by the download unit with coreutils alone.
 */
export function pasteTransferBlocks(record: BundleRecord, archive: Buffer): PasteBlock[] {
  if (archive.length > PASTE_MAX_BYTES) {
    throw new AirgapError(
      `the archive is ${(archive.length / 1048576).toFixed(1)} MiB; paste transfer is limited to ${PASTE_MAX_BYTES / 1048576} MiB`,
      {
        hint: 'ship it through S3 (airgap upload), or split the spec into smaller bundles',
        code: 'usage',
      },
    );
  }
  const text = archive.toString('base64').replace(/(.{76})/g, '$1\n');
  const parts: string[] = [];
  let rest = text.endsWith('\n') ? text : `${text}\n`;
  while (rest.length) {
    // Cut on a line end so every part is whole base64 lines.
    let cut = Math.min(rest.length, PASTE_CHUNK_CHARS);
    if (cut < rest.length) cut = rest.lastIndexOf('\n', cut) + 1;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  const names = parts.map((_, i) => `part-${String(i + 1).padStart(3, '0')}.b64`);
  const sums = parts.map((part, i) => `${sha256(part)}  ${names[i]}`).join('\n');
  // Heredocs with a fixed delimiter: base64 and sha256sum lines can never equal it. Every
  // command ends in `|| :` so a shell with `set -e` survives a damaged part.
  const blocks: PasteBlock[] = [
    {
      title: `Prepare to receive ${parts.length} part(s)`,
      purpose: 'Creates the folder the parts go to and the list of their checksums.',
      success: 'no output',
      code: joinSh([
        sh`command mkdir -p ~/airgap/${record.id}/paste && command cat >| ~/airgap/${record.id}/paste/SHA256SUMS.parts <<'AIRGAP_SUMS_EOF' || :`,
        raw(`${sums}\nAIRGAP_SUMS_EOF`),
      ]).text,
    },
  ];
  parts.forEach((part, i) => {
    const name = names[i]!;
    blocks.push({
      title: `Part ${i + 1} of ${parts.length}`,
      purpose: `Writes ${name} and checks it.`,
      success: `\`${name}: OK\``,
      code: joinSh([
        sh`command cat >| ~/airgap/${record.id}/paste/${name} <<'AIRGAP_PART_EOF' || :`,
        raw(`${part}AIRGAP_PART_EOF`),
        sh`command sh -c 'cd "$1" && grep " $2\$" SHA256SUMS.parts | sha256sum -c -' sh ~/airgap/${record.id}/paste ${name} || :`,
      ]).text,
    });
  });
  return blocks;
}

export function renderPasteTransfer(record: BundleRecord, blocks: readonly PasteBlock[]): string {
  return [
    `# Paste transfer: ${record.id}`,
    '',
    'For a bastion that can only receive what is pasted. Paste these blocks first, in order; then',
    'paste the bastion blocks of PASTE.md: the download block reassembles the archive from the parts',
    'instead of fetching it from S3, and checks it against the sha256 embedded there.',
    '',
    ...renderBlocks(blocks),
  ].join('\n');
}

export function pasteTransferScript(record: BundleRecord, blocks: readonly PasteBlock[]): string {
  return [
    '#!/usr/bin/env bash',
    `# airgap bundle ${record.id}: the paste-transfer blocks of PASTE-TRANSFER.md, in order.`,
    ...blocks.map((b) => b.code),
    '',
  ].join('\n');
}
