import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { invariantBroken } from '../errors.js';
import { kindInfo, type PasteGroup } from '../model/markers.js';
import type { BundleRecord, Unit } from '../model/record.js';
import { countedUnits, helpersScript } from './bastion-lib.js';
import { inlineCode, oneLine, plainText } from './fence.js';
import { functionCode, loaderCode, partCode } from './helper-blocks.js';
import { joinSh, type ShellCode, sh } from './sh.js';

export interface PasteBlock {
  title: string;
  /** What the block does, in a sentence (Markdown). */
  purpose: string;
  /** What the operator should see when it worked (Markdown). */
  success: string;
  code: string;
  /** The units it runs, by number. */
  units?: number[];
  /** It carries helpers.sh (ingest folds its echo out of the runbook). */
  helpers?: boolean;
}

/** Base64 characters per pasted line: with the quotes and ` \\` a line is 76 columns. */
const PAYLOAD_LINE = 72;
/**
 * Rows a helper block may take on an 80x24 terminal, prompt included. bash and zsh show a
 * bracketed paste as one edit buffer and redraw it garbled once it is taller than the
 * screen, so the helpers travel in as many blocks as that takes.
 */
export const MAX_BLOCK_ROWS = 22;
const TERMINAL_COLUMNS = 80;
const PROMPT_COLUMNS = 30;

/** Rows the echo of a pasted block takes on an 80-column terminal after a prompt. */
export function echoRows(code: string): number {
  return code
    .split('\n')
    .reduce(
      (rows, line, i) =>
        rows + Math.ceil(((i === 0 ? PROMPT_COLUMNS : 0) + line.length + 1) / TERMINAL_COLUMNS),
      0,
    );
}

/** helpers.sh as written on the bastion and beside PASTE.md: indentation dropped, it is sent. */
export function helpersSource(record: BundleRecord): string {
  return helperPlan(record).source;
}

/**
 * The pasted form of helpers.sh: gzip then base64, in single-quoted lines. Its echo is a
 * few dozen lines that no shell reads as anything but data (no `#`, no `$`, no heredoc);
 * the decoded program is written to ~/airgap/<bundle-id>/helpers.sh.
 */
export function helpersPayload(record: BundleRecord): string[] {
  return payloadOf(helperPlan(record).source);
}

function payloadOf(source: string): string[] {
  const compressed = gzipSync(Buffer.from(source), { level: 9 });
  return compressed.toString('base64').match(new RegExp(`.{1,${PAYLOAD_LINE}}`, 'g')) ?? [];
}

/**
 * The PASTE.md block number of each unit whose failure stops the steps after it, so that
 * helpers.sh names the block to paste again. The helper blocks come first, and how many there
 * are depends on helpers.sh, which holds these numbers: tried from a guess until the count
 * holds (the numbers change the compressed size by a few bytes, so once or twice).
 */
const helperPlans = new WeakMap<BundleRecord, { source: string; codes: string[] }>();
function helperPlan(record: BundleRecord): { source: string; codes: string[] } {
  const known = helperPlans.get(record);
  if (known) return known;
  const plan = settleBlockNumbers(
    groups(record).map((group) => group.units),
    (blocks) => {
      const lines = helpersScript(record, blocks).text.split('\n');
      const source = `${lines.map((line) => line.trimStart()).join('\n')}\n`;
      const sum = createHash('sha256').update(source).digest('hex');
      return { source, codes: packHelpers(record.id, payloadOf(source), sum) };
    },
  );
  helperPlans.set(record, plan);
  return plan;
}

/**
 * The helper plan `build` makes from the block numbers of the units that stop later steps,
 * once the number of helper blocks it gives is the one the numbers assumed. When no count
 * holds (the numbers' size moves the count back and forth), the plan without numbers: a
 * skipped step then names its unit, never a wrong block. Exported for its test.
 */
export function settleBlockNumbers<P extends { codes: readonly string[] }>(
  groupUnits: ReadonlyArray<readonly Unit[]>,
  build: (blocks: ReadonlyMap<number, number>) => P,
): P {
  let count = 3;
  let plan: P | undefined;
  for (let tries = 0; tries < 8 && plan?.codes.length !== count; tries++) {
    if (plan) count = plan.codes.length;
    const blocks = new Map<number, number>();
    groupUnits.forEach((units, i) => {
      for (const unit of units) if (stopsLaterSteps(unit)) blocks.set(unit.n, count + i + 1);
    });
    plan = build(blocks);
  }
  return plan!.codes.length === count ? plan! : build(new Map());
}

function stopsLaterSteps(unit: Unit): boolean {
  const info = kindInfo(unit.kind);
  return info.runs === 'command' && info.waitsFor === 'steps';
}

/** The helper blocks: the payload packed so that no block's echo is taller than the screen. */
function helperCodes(record: BundleRecord): string[] {
  return helperPlan(record).codes;
}

function packHelpers(id: string, payload: readonly string[], sha256: string): string[] {
  const block = (index: number, count: number, lines: readonly string[]) => {
    const codes = lines.length ? [partCode(id, index + 1, lines)] : [];
    if (index === 0) codes.unshift(functionCode(id, count));
    if (index === count - 1)
      codes.push(loaderCode(id, index + (lines.length ? 1 : 0), sha256, count));
    return joinSh(codes).text;
  };
  for (let count = 1; count <= payload.length; count++) {
    const texts: string[] = [];
    let next = 0;
    for (let index = 0; index < count; index++) {
      let take = 0;
      while (
        next + take < payload.length &&
        echoRows(block(index, count, payload.slice(next, next + take + 1))) <= MAX_BLOCK_ROWS
      )
        take++;
      texts.push(block(index, count, payload.slice(next, next + take)));
      next += take;
    }
    if (next === payload.length && texts.every((t) => echoRows(t) <= MAX_BLOCK_ROWS)) return texts;
  }
  throw new Error('internal: the helper program does not fit the paste blocks');
}

/** One unit call; `|| :` keeps a failing unit from closing a shell that runs with `set -e`. */
function unitCall(record: BundleRecord, unit: Unit): ShellCode {
  const args: Array<string | number> = [record.id, unit.n, unit.kind];
  if (unit.command !== undefined) args.push(unit.continueOnError ? 1 : 0, unit.command);
  return sh`airgap_run ${args} || :`;
}

interface Group {
  title: string;
  purpose: string;
  success: string;
  units: Unit[];
  /** The default plan's group these units share. */
  key?: string;
}

/** The purpose of a block of the default plan: each command, and why it runs so. */
function plannedPurpose(units: readonly Unit[]): string {
  const whys = [...new Set(units.flatMap((u) => (u.why ? [u.why] : [])))];
  const lines = units.map(
    (u) =>
      `unit ${u.n}: ${inlineCode(u.command ?? '')}${u.kind === 'preview' ? ' (exit 1 there only means there are differences)' : ''}`,
  );
  return `Runs from the bundle root: ${lines.join('; ')}.${whys.length ? ` Server-side apply (field manager \`airgap\`): ${whys.join('; ')}.` : ''}`;
}

/**
 * Units grouped into blocks where that costs the operator no checkpoint: the transfer with
 * the image check, a dry run with its preview, the verification with the summary. Each unit
 * goes where its kind's `paste` entry says (model/unit-kinds.ts), so every bastion unit lands
 * in exactly one block.
 */
function groups(record: BundleRecord): Group[] {
  const byPaste: Record<Exclude<PasteGroup, 'step' | 'with-previous'>, Unit[]> = {
    transfer: [],
    verify: [],
    observe: [],
    cloudshell: [],
  };
  const ordered: Unit[] = [];
  for (const unit of record.units) {
    const paste = kindInfo(unit.kind).paste;
    if (paste === 'step' || paste === 'with-previous') ordered.push(unit);
    else byPaste[paste].push(unit);
  }
  if (byPaste.cloudshell.length)
    throw invariantBroken(`CloudShell unit ${byPaste.cloudshell[0]?.n} in the bastion plan`);
  const steps = record.units.filter((u) => u.kind === 'step');
  const ecr = byPaste.transfer.some((u) => u.kind === 'ecr-check');
  const result: Group[] = [
    {
      title: `Download, verify and extract${ecr ? ', check the images in ECR' : ''}`,
      purpose: `Fetches the archive from S3, checks its sha256 against the one embedded in the helper blocks, extracts it to ${inlineCode(`~/airgap/${record.id}/root`)} and checks every file${ecr ? '; then asks ECR for every image the bundle needs' : ''}.`,
      success: `${inlineCode(`${record.archive.file}: OK`)} and ${inlineCode(`airgap: ${record.files.length} files extracted and verified`)}`,
      units: byPaste.transfer,
    },
  ];
  for (const unit of ordered) {
    if (unit.group !== undefined) {
      const last = result.at(-1);
      if (last?.key === unit.group) last.units.push(unit);
      else
        result.push({
          title: plainText(unit.group),
          purpose: '',
          success: 'every end marker says `rc=0`',
          units: [unit],
          key: unit.group,
        });
      continue;
    }
    if (kindInfo(unit.kind).paste === 'with-previous') {
      // The transfer block is always there, so a unit always has a block before it.
      const last = result.at(-1) as Group;
      last.units.push(unit);
      last.title += ' and preview the changes';
      last.purpose += ` Then shows what would change (${inlineCode('kubectl diff')}; exit 1 there only means there are differences).`;
      continue;
    }
    const command = unit.command ?? '';
    // The unit's number, as the markers, the bastion's messages and the runbook give it.
    result.push({
      title: `Unit ${unit.n} (step ${steps.indexOf(unit) + 1} of ${steps.length}): ${plainText(unit.name)}`,
      purpose: `Runs from the bundle root${command.includes('\n') ? ' (the command is in the block)' : `: ${inlineCode(command)}`}${unit.continueOnError ? ' (a failure does not stop later steps)' : ''}.`,
      success: 'the end marker says `rc=0`',
      units: [unit],
    });
  }
  for (const group of result)
    if (group.key !== undefined) group.purpose = plannedPurpose(group.units);
  const { verify, observe } = byPaste;
  const checks = verify.filter((u) => kindInfo(u.kind).section === 'verify');
  result.push({
    title: checks.length ? 'Verify and summarise' : 'Summary',
    purpose: `${checks.length ? 'Read-only checks of the result, then counts' : 'Counts'} what succeeded. Copy the whole terminal from block 1 to ${observe.length ? 'the end of the next block' : 'here'} into a file for ${inlineCode('airgap ingest')}, or, where Session Manager logs sessions to S3, skip the copy: ${inlineCode('airgap ingest s3://<bucket>/<prefix>/')} reads the logs.`,
    success: '`airgap: RESULT: SUCCESS`',
    units: verify,
  });
  if (observe.length)
    result.push({
      title: 'Observe the environment',
      purpose: `Read-only commands whose output ${inlineCode('airgap ingest')} keeps in ${inlineCode('docs/env-details.md')} for ${record.environment}. They run whatever the result was, and one that fails changes nothing.`,
      success: 'an end marker per command (its exit code is recorded, not judged)',
      units: observe,
    });
  return result;
}

export function bastionBlocks(record: BundleRecord): PasteBlock[] {
  const helpers = helperCodes(record);
  return [
    ...helpers.map((code, i) => ({
      title: `Load the airgap helpers${helpers.length > 1 ? ` (${i + 1} of ${helpers.length})` : ''}`,
      purpose:
        i < helpers.length - 1
          ? `Part ${i + 1} of the helper program, compressed (split so that no block is taller than an 80x24 screen).`
          : `Writes the helper program to ${inlineCode(`~/airgap/${record.id}/helpers.sh`)} (the same as ${inlineCode('helpers.sh')} beside this sheet) and defines ${inlineCode('airgap_run')}, which the next blocks call. Paste ${helpers.length > 1 ? 'these blocks' : 'it'} again in any new shell.`,
      success:
        i < helpers.length - 1
          ? 'no output'
          : inlineCode(`airgap: helpers for ${record.id} loaded (${countedUnits(record)} units)`),
      code,
      units: [],
      helpers: true,
    })),
    ...groups(record).map((group) => ({
      title: group.title,
      purpose: group.purpose,
      success: group.success,
      code: joinSh(group.units.map((unit) => unitCall(record, unit))).text,
      units: group.units.map((u) => u.n),
    })),
  ];
}

/** bastion.sh: the blocks given (the record's plan, from render.ts), in order. */
export function bastionScript(
  record: BundleRecord,
  blocks: ReadonlyArray<{ title: string; code: string }> = bastionBlocks(record),
): string {
  return [
    '#!/usr/bin/env bash',
    `# airgap bundle ${record.id}: every bastion block of PASTE.md, in order.`,
    '# Run as: bash bastion.sh 2>&1 | tee bastion-output.txt  (exit status 0 only if all succeeded)',
    ...blocks.map((b, i) => `\n# --- block ${i + 1}: ${oneLine(b.title)}\n${b.code}`),
    '',
    sh`[ "$(cat "$HOME/airgap/"${record.id}/state/result 2>/dev/null)" = SUCCESS ]`.text,
    '',
  ].join('\n');
}
