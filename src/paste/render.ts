import { externalImagesOf } from '../model/external-images.js';
import type { BundleRecord } from '../model/record.js';
import { unsetNamespaceText, unsetNamespaceTitle } from '../model/unset-namespaces.js';
import { wrapText } from '../util/format.js';
import { bastionScript, helpersSource, type PasteBlock } from './bastion.js';
import { cloudshellScript, unpushableNote } from './cloudshell.js';
import { fenced, inlineCode, plainText } from './fence.js';
import { planBlocks } from './plan-data.js';

export interface OutDirFile {
  name: string;
  content: string;
  executable: boolean;
}

/** Numbered blocks with what each does and what success looks like. */
export function renderBlocks(blocks: readonly Omit<PasteBlock, 'units'>[]): string[] {
  return blocks.flatMap((block, index) => [
    `### ${'n' in block ? block.n : index + 1}. ${block.title}`,
    '',
    block.purpose,
    '',
    fenced(block.code, 'bash'),
    '',
    `Success looks like: ${block.success}`,
    '',
  ]);
}

export function renderPasteSheet(record: BundleRecord): string {
  const archive = record.archive;
  return [
    `# Paste sheet: ${record.id}`,
    '',
    plainText(record.description),
    '',
    `- Environment: ${record.environment}`,
    `- Commit: \`${record.commit}\``,
    `- Archive: \`${archive.file}\` (${archive.size} bytes), sha256 \`${archive.sha256}\``,
    `- S3: ${inlineCode(`s3://${record.s3.bucket}/${archive.key}`)}`,
    `- Files: ${record.files.length}; steps: ${record.units.filter((u) => u.kind === 'step').length}`,
    ...(record.missingImages.length
      ? [
          `- Images not yet recorded in ECR for ${record.environment}: ${record.missingImages.map((i) => `\`${i}\``).join(', ')}`,
        ]
      : []),
    ...externalImagesOf(record).map(
      (e) =>
        `- Pulled from outside the air gap: ${inlineCode(e.image)}${e.file ? ` (${inlineCode(`${e.file}:${e.line}`)})` : ''}; nodes that reach only ECR cannot pull it: write ${inlineCode(e.ecrReference)} instead, or list its registry in the spec's \`ecr.mirrors\``,
    ),
    '',
    'Paste the blocks in order, one at a time or the bastion blocks all at once: a unit that fails',
    'makes the later steps skip, and no block uses `set -e` or `exit`, so your shell stays open',
    '(bash, zsh, dash and BusyBox sh, with `set -e`, `set -C` or aliases). Afterwards copy the whole',
    'terminal into a file and run `airgap ingest <file>` in the ops repo; where Session Manager logs',
    'sessions to S3, `airgap ingest s3://<bucket>/<prefix>/` reads the session logs instead (no copy).',
    'To retry a failed step (a webhook that timed out), paste its block again, then the blocks after it.',
    '',
    '## CloudShell',
    '',
    `1. Upload \`${archive.file}\` through Actions > Upload file (one file per upload; it lands`,
    '   in your home directory, which holds 1 GB). For the airgap block upload `airgap.mjs` too.',
    '2. Paste the helper blocks first (they define functions and print nothing), then the',
    '   "with airgap" block, or the fallback block where airgap.mjs is not at hand. Either finds',
    '   the archive in the current directory or in ~, and runs in bash or zsh. Every block fits',
    '   80x24; a failure ends in one `airgap:` line that names the cause.',
    '',
    ...unpushableNote(record),
    ...renderBlocks(planBlocks(record, 'cloudshell')),
    '## Bastion',
    '',
    // A cut inside a quoted step line leaves bash at its `>` prompt, silently reading every
    // later block as part of that line (ingest names it, ingest/parse/paste-trouble.ts).
    'If the prompt shows `>` after a paste, the paste was cut: press Ctrl-C and paste that block',
    'again, then the blocks after it.',
    '',
    ...(record.unsetNamespaces?.length
      ? [
          `${unsetNamespaceTitle(record.unsetNamespaces[0]!)}:`,
          '',
          ...record.unsetNamespaces.flatMap((u) =>
            wrapText('- ', '  ', plainText(unsetNamespaceText(u))),
          ),
          '',
        ]
      : []),
    ...(record.planNotes?.length
      ? [
          'Left out of the plan, or not dry-run first:',
          '',
          ...record.planNotes.map((n) => `- ${plainText(n)}`),
          '',
        ]
      : []),
    ...renderBlocks(planBlocks(record, 'bastion')),
  ].join('\n');
}

export function renderOutDirScripts(record: BundleRecord): OutDirFile[] {
  return [
    { name: 'PASTE.md', content: renderPasteSheet(record), executable: false },
    {
      name: 'bastion.sh',
      content: bastionScript(record, planBlocks(record, 'bastion')),
      executable: true,
    },
    { name: 'helpers.sh', content: helpersSource(record), executable: false },
    {
      name: 'cloudshell.sh',
      content: cloudshellScript(record, planBlocks(record, 'cloudshell')),
      executable: true,
    },
  ];
}
