import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { foreignBlockLine, HELPERS_MISSING } from '../../model/bastion-lines.js';
import type { BundleRecord } from '../../model/record.js';

/**
 * What went wrong with a paste, read from the shell's own words in the text outside the
 * markers: nothing ran there, so no marker says it.
 * - `helpers`: the blocks reached a shell without `airgap_run` (bash `airgap_run: command not
 *   found`, zsh `command not found: airgap_run`, sh `airgap_run: not found`), or the helper
 *   blocks' own check failed (`airgap: helpers not loaded or damaged`, paste/helper-blocks.ts).
 * - `foreign`: the shell held the helpers of another bundle, so `airgap_run` refused this
 *   bundle's blocks (`airgap: this block is for B; the helpers in this shell are for A`,
 *   paste/helper-blocks.ts): B's helper blocks load B's.
 * - `cut`: a block cut inside a quoted line left the shell at its `>` continuation prompt,
 *   reading the later blocks as part of that line (bash's `unexpected EOF while looking for
 *   matching`, or unit calls echoed after a `>` prompt: bash, dash and BusyBox print `> `,
 *   zsh `quote> `).
 */
export type PasteTrouble = 'helpers' | 'foreign' | 'cut';

// The last alternative is what the helper blocks of sheets made before the check printed.
const HELPERS_NOT_LOADED = new RegExp(
  `\\bairgap_run: (?:command )?not found|\\bcommand not found: airgap_run\\b|^airgap: ${HELPERS_MISSING}\\b|^airgap: paste the helper blocks again, in order$`,
);
// Anchored: the helper block's own echo holds the same words inside its printf.
const FOREIGN = new RegExp(`^${foreignBlockLine('([a-z0-9][a-z0-9-]*)', '')}`);
const UNEXPECTED_EOF = 'unexpected EOF while looking for matching';
const CUT = /^(?:d?quote)?> airgap_run [a-z0-9-]+ [1-9]\d* [a-z-]+/;

/** The trouble one line outside the markers shows, if any. */
export function pasteTroubleOf(line: string): PasteTrouble | undefined {
  // Every line outside the markers comes here: one scan for most of them. bash's message ends
  // in the quote it was looking for (`'' or `"'), so the rest need not be searched for it.
  if (!line.includes('airgap'))
    return line.endsWith("'") && line.includes(UNEXPECTED_EOF) ? 'cut' : undefined;
  if (HELPERS_NOT_LOADED.test(line)) return 'helpers';
  if (FOREIGN.test(line)) return 'foreign';
  if (CUT.test(line)) return 'cut';
  return undefined;
}

/** The bundle whose block a shell holding another bundle's helpers refused (`foreign`). */
export const refusedBundleOf = (line: string): string | undefined => FOREIGN.exec(line)?.[1];

/** The bundle a unit call names, from its echo (`airgap_run <id> <n> <kind> …`). */
const UNIT_CALL = /\bairgap_run ([a-z0-9][a-z0-9-]*) [1-9]\d* [a-z-]+/;

/**
 * A transcript without markers read again for why (an error path only): the trouble it shows
 * and the bundle its refused blocks or echoed unit calls name (a refusal names the bundle
 * whose blocks were pasted; a transcript without echoes has only that).
 */
export async function troubleWithoutMarkers(
  path: string,
): Promise<{ trouble: Set<PasteTrouble>; bundleId?: string }> {
  const trouble = new Set<PasteTrouble>();
  let bundleId: string | undefined;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    const found = pasteTroubleOf(line);
    if (found) trouble.add(found);
    bundleId ??= (found === 'foreign' ? FOREIGN : UNIT_CALL).exec(line)?.[1];
  }
  return bundleId ? { trouble, bundleId } : { trouble };
}

/**
 * `blocks 1-N` (or `block 1`) of PASTE.md's bastion section: the helper blocks; `unknown` when
 * the record has no plan.
 */
export function helperBlocksText(
  record: BundleRecord | undefined,
  unknown = 'the helper blocks (block 1 on)',
): string {
  const count = record?.plan?.blocks.filter((b) => b.side === 'bastion' && b.helpers).length ?? 0;
  if (count === 1) return 'block 1';
  return count ? `blocks 1-${count}` : unknown;
}

/** What went wrong and what to do about it (the error's message and hint, a runbook note). */
export interface TroubleAdvice {
  cause: string;
  action: string;
}

/** `cutBlock`: the PASTE.md block the cut paste stopped in, when the outcome shows it. */
export function troubleAdvice(
  trouble: PasteTrouble,
  record: BundleRecord | undefined,
  cutBlock?: number,
): TroubleAdvice {
  switch (trouble) {
    case 'helpers':
      return {
        cause:
          'the helpers were not loaded in that shell (airgap_run: command not found, or helpers not loaded or damaged)',
        action: `paste ${helperBlocksText(record)} of PASTE.md there, then the blocks again`,
      };
    case 'foreign':
      return {
        cause:
          "that shell held another bundle's helpers (this block is for one bundle; the helpers in this shell are for another), so this bundle's blocks did not run",
        action: `paste ${helperBlocksText(record)} of PASTE.md there, then the blocks again`,
      };
    case 'cut':
      return {
        cause:
          "a paste was cut inside a quoted line, and the shell read the blocks after it at its '>' prompt: they did not run",
        action: `press Ctrl-C at that prompt, paste ${cutBlock === undefined ? 'that block' : `block ${cutBlock}`} again, then the blocks after it`,
      };
    default: {
      const never: never = trouble;
      return never;
    }
  }
}

/** One sentence: the cause, then what to do. */
export const adviceText = (a: TroubleAdvice) => `${a.cause}: ${a.action}`;
