import { detectEol, findManagedBlock, upsertManagedBlock } from './managed-block.js';
import type { ManagedDocument } from './managed-document.js';

/**
 * docs/env-details.md: the living state of each environment. People write the text; airgap
 * keeps one managed block per environment (`observed-<env>`) holding the latest output of each
 * `observe:` command the bastion ran there: what it printed (masked, as in the runbook), when,
 * from which bundle and runbook. An entry is a heading, one line of metadata in an HTML
 * comment (so the block can be read back), a line for people and the output in a fence.
 * Entries airgap does not replace are kept line for line, hand edits included.
 */
export const ENV_DETAILS = {
  file: 'docs/env-details.md',
  block: 'observed',
  init: (text, { environments }) => addEnvironmentBlocks(text, environments),
} as const satisfies ManagedDocument;

export const ENV_DETAILS_FILE = ENV_DETAILS.file;

export const observedBlock = (environment: string) => `${ENV_DETAILS.block}-${environment}`;

export interface Observation {
  name: string;
  command: string;
  /** When it ran, ISO 8601 UTC (second precision). */
  at: string;
  bundle: string;
  /** The runbook, relative to docs/ (where this document lives). */
  runbook: string;
  /** Exit code. */
  rc: number;
  /** What it printed, masked; at most MAX_LINES lines. */
  output: string;
}

const META = /^<!-- airgap:observation (\{.*\}) -->$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** A document people read: longer outputs end with a pointer to the runbook. */
export const MAX_LINES = 200;

export const ENV_DETAILS_INTRO = [
  '# Environment details',
  '',
  'The living state of each environment: endpoints, versions, current configuration. The text',
  "is yours; airgap only rewrites the blocks it marks, with what the bastion printed for bundles'",
  '`observe:` commands (`airgap ingest` updates them; `airgap status` says when each was last observed).',
  '',
];

interface Entry {
  meta: Omit<Observation, 'output'>;
  lines: string[];
}

/** The entries of a block, and the lines before the first one. */
function parseBlock(lines: readonly string[]): { preamble: string[]; entries: Entry[] } {
  const starts: Array<{ at: number; meta: Entry['meta'] }> = [];
  let fence: string | undefined;
  lines.forEach((line, i) => {
    const open = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (open && open[0] === fence[0] && line.trim().length >= fence.length) fence = undefined;
      return;
    }
    if (open) {
      fence = open;
      return;
    }
    const match = META.exec(line);
    if (!match) return;
    try {
      const meta = JSON.parse(match[1] as string) as Entry['meta'];
      if (typeof meta.command !== 'string' || typeof meta.at !== 'string') return;
      // The entry starts at its heading when the line before is one.
      const at = i > 0 && lines[i - 1]?.startsWith('### ') ? i - 1 : i;
      starts.push({ at, meta });
    } catch {
      // A line that only looks like ours is text.
    }
  });
  return {
    preamble: lines.slice(0, starts[0]?.at ?? lines.length),
    entries: starts.map((s, k) => ({
      meta: s.meta,
      lines: lines.slice(s.at, starts[k + 1]?.at ?? lines.length),
    })),
  };
}

function renderEntry(o: Observation): string[] {
  const { output, ...meta } = o;
  const longest = Math.max(2, ...(output.match(/`+/g) ?? ['']).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const shown = output.replace(/\n$/, '');
  const commandFence = '`'.repeat(
    Math.max(0, ...(o.command.match(/`+/g) ?? ['']).map((r) => r.length)) + 1,
  );
  const pad = commandFence.length > 1 ? ' ' : '';
  return [
    `### ${o.name}`,
    `<!-- airgap:observation ${JSON.stringify(meta)} -->`,
    '',
    `${commandFence}${pad}${o.command.replace(/\s*\n\s*/g, ' ')}${pad}${commandFence} · ${o.at.replace('T', ' ').replace('Z', ' UTC')} · exit ${o.rc} · bundle \`${o.bundle}\` ([runbook](${o.runbook}))`,
    '',
    `${fence}text`,
    ...(shown === '' ? [] : shown.split('\n')),
    fence,
    '',
  ];
}

/**
 * The document with the environment's block holding these observations: each replaces the
 * entry of the same command unless that one is newer; new commands are added at the end. An
 * environment without a block gets a heading and one at the end of the document.
 */
export function upsertObservations(
  text: string,
  environment: string,
  observations: readonly Observation[],
): string {
  const name = observedBlock(environment);
  const found = findManagedBlock(text, name);
  const { preamble, entries } = parseBlock(found?.lines ?? []);
  const lines = found
    ? [...preamble]
    : [`Observed on the bastion by \`airgap ingest\`: the latest output of each command.`, ''];
  const pending = new Map(observations.map((o) => [o.command, o]));
  for (const entry of entries) {
    const next = pending.get(entry.meta.command);
    if (next && next.at >= entry.meta.at) {
      lines.push(...renderEntry(next));
      pending.delete(entry.meta.command);
    } else {
      if (next) pending.delete(entry.meta.command);
      lines.push(...entry.lines);
    }
  }
  for (const o of pending.values()) lines.push(...renderEntry(o));
  while (lines.at(-1) === '') lines.pop();
  if (found) return upsertManagedBlock(text, name, lines);
  const eol = text === '' ? '\n' : detectEol(text);
  const block = upsertManagedBlock('', name, lines);
  const section = sectionEnd(text, environment);
  if (section !== undefined) {
    // At the end of the section people gave the environment, before the next heading.
    const before = text.slice(0, section);
    const gap = before.endsWith(eol + eol) ? '' : before.endsWith(eol) ? eol : eol + eol;
    const after = text.slice(section);
    return `${before}${gap}${block.replaceAll('\n', eol)}${after ? eol : ''}${after}`;
  }
  const base = text === '' ? ENV_DETAILS_INTRO.join(eol) : text;
  const separator = base.endsWith(eol + eol) ? '' : base.endsWith(eol) ? eol : eol + eol;
  return upsertManagedBlock(`${base}${separator}## ${environment}${eol}`, name, lines);
}

/** Where the section headed by the environment's name ends (the next heading of its level). */
function sectionEnd(text: string, environment: string): number | undefined {
  const heading = new RegExp(`^(#{1,6})[ \\t]+\`?${environment}\`?[ \\t]*\r?$`, 'm').exec(text);
  if (!heading) return undefined;
  const level = heading[1]?.length ?? 2;
  const next = new RegExp(`^#{1,${level}}[ \\t]`, 'm');
  const from = heading.index + heading[0].length;
  const found = next.exec(text.slice(from));
  return found ? from + found.index : text.length;
}

/** The newest observation in each environment's block: for `airgap status`. */
export function lastObserved(
  text: string,
  environment: string,
): { at: string; bundle: string } | undefined {
  const found = findManagedBlock(text, observedBlock(environment));
  if (!found) return undefined;
  let last: { at: string; bundle: string } | undefined;
  for (const { meta } of parseBlock(found.lines).entries)
    if (!last || meta.at > last.at) last = { at: meta.at, bundle: meta.bundle };
  return last;
}

/**
 * An empty block for each environment that has none yet (`airgap init`); '' for no document
 * and no environment (init then writes nothing).
 */
export function addEnvironmentBlocks(text: string | undefined, environments: readonly string[]) {
  let out = text ?? '';
  for (const env of environments)
    if (!findManagedBlock(out, observedBlock(env))) out = upsertObservations(out, env, []);
  return out;
}
