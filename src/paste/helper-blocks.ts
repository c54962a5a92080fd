import { foreignBlockLine, HELPERS_MISSING } from '../model/bastion-lines.js';
import { markerPrintf } from '../model/markers.js';
import { joinSh, raw, type ShellCode, sh } from './sh.js';

/*
 * The shell code of the bastion's helper blocks around the payload (bastion.ts packs them):
 * the function that runs a unit, the parts, and the loader that checks what they decode to.
 */

/** `printf` of payload lines into ~/airgap/<id>/helpers.<part>; 2 rows besides the lines. */
export function partCode(id: string, part: number, lines: readonly string[]): ShellCode {
  // Quoted although base64 needs no quotes: zsh would expand a line that starts with `=`.
  return joinSh([
    raw(`printf '%s\\n' \\`),
    ...lines.map((line) => raw(`'${line}' \\`)),
    sh`  >| ~/airgap/${id}/helpers.${part} || :`,
  ]);
}

/**
 * What the operator sees when the helpers are missing: one line naming the blocks that load
 * them (`count` helper blocks lead the bastion section).
 */
export function helpersMissingLine(count: number): string {
  return `airgap: ${HELPERS_MISSING}: paste ${count > 1 ? `blocks 1-${count}` : 'block 1'} of PASTE.md again`;
}

// printf's format for airgap_run's refusal of another bundle's block (its words are ingest's too).
const FOREIGN_BLOCK_FORMAT = `${foreignBlockLine('%s', '%s')}: paste the helper blocks of %s (block 1 on) first\\n`;

/**
 * The start of the first helper block, for the operator's own shell (bash, zsh, dash,
 * BusyBox ash; `set -e`, `set -C`, `set -u` and aliases allowed): draws the paste's nonce
 * and defines `airgap_run`, which runs helpers.sh only for this bundle and refuses another
 * bundle's blocks in one line. Every command ends in `||`: errexit never fires at the prompt.
 * The nonce reaches helpers.sh on its standard input, never in its environment or arguments
 * (the subshell unsets it, also when `set -a` exported it): a step, a child of helpers.sh,
 * reads neither /proc/<pid>/environ nor cmdline of anything that holds it, so it cannot print
 * a marker that counts.
 *
 * helpers.sh exists only once its checksum held (loaderCode), so without it the unit is
 * refused: a skipped unit between its markers, its output the one line naming the helper
 * blocks, so the runbook says why the unit did not run instead of finding no markers.
 */
export function functionCode(id: string, helperBlocks: number): ShellCode {
  // `set --` gives the markers their words once: three short lines where a full printf of each
  // took rows the payload needs (block 1 is full).
  const words = { unit: '"$1"', epoch: '"$2"', nonce: '"$3"' };
  return joinSh([
    raw(`AIRGAP_NONCE=$(command od -An -N4 -tx1 /dev/urandom | command tr -d ' \\n') || :`),
    sh`airgap_run() {
  if [ "\${1:-}" != ${id} ]; then printf ${FOREIGN_BLOCK_FORMAT} "\${1:-?}" ${id} "\${1:-?}"; return 2
  elif [ -f ~/airgap/${id}/helpers.sh ]; then printf '%s\\n' "\${AIRGAP_NONCE:-}" | (unset AIRGAP_NONCE; command sh ~/airgap/${id}/helpers.sh "$@")
  else set -- ${id}" \${2:-0} \${3:-}" "$(command date -u +%s)" "\${AIRGAP_NONCE:+ s=$AIRGAP_NONCE}"
    ${raw(markerPrintf('begin', words))}; printf '%s\\n' ${helpersMissingLine(helperBlocks)}
    ${raw(markerPrintf('end', { ...words, status: 'skip' }))}; return 2; fi
}`,
    sh`command mkdir -p ~/airgap/${id} || :`,
  ]);
}

/**
 * The end of the last helper block: decodes the parts in a child sh into helpers.new, and only
 * when its sha256 is the one embedded here renames it helpers.sh. The old helpers.sh goes
 * first, so a cut or damaged paste leaves none (airgap_run then refuses every unit) instead of
 * bytes that failed their check, which every later unit would run. A host without sha256sum
 * has gzip's check alone (CRC-32 and length of what it decoded, which a cut or garbled paste
 * fails): its helpers load, and the verify unit names the missing tool, as it always has,
 * before anything is extracted.
 */
export function loaderCode(
  id: string,
  parts: number,
  sha256: string,
  helperBlocks: number,
): ShellCode {
  const files = Array.from({ length: parts }, (_, i) => `helpers.${i + 1}`);
  return sh`command sh -c 'cd "$1" && rm -f helpers.sh helpers.new || exit 1
  sum=$2 && shift 2 && cat "$@" | base64 -d | gzip -dc >| helpers.new && if command -v sha256sum >/dev/null
  then got=$(sha256sum helpers.new) && [ "\${got%% *}" = "$sum" ]; fi && mv helpers.new helpers.sh && exit
  rm -f helpers.new; exit 1' sh ~/airgap/${id} ${sha256} ${files} &&
  airgap_run ${id} 0 loaded || printf '%s\\n' ${helpersMissingLine(helperBlocks)}`;
}
