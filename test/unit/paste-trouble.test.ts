import { describe, expect, it } from 'vitest';
import { pasteTroubleOf } from '../../src/ingest/parse/paste-trouble.js';

/** Lines outside the markers, as each shell prints them (notes/s8/note-n8.md 2, 4, 5). */
describe('pasteTroubleOf', () => {
  const cases: Array<[string, ReturnType<typeof pasteTroubleOf>]> = [
    ['bash: airgap_run: command not found', 'helpers'],
    ['zsh: command not found: airgap_run', 'helpers'],
    ['dash: 1: airgap_run: not found', 'helpers'],
    ['sh: 3: airgap_run: not found', 'helpers'],
    ['airgap: helpers not loaded or damaged: paste blocks 1-4 of PASTE.md again', 'helpers'],
    // The loader of sheets made before helpers.sh was checked (n8's transcript 4).
    ['airgap: paste the helper blocks again, in order', 'helpers'],
    // A shell holding another bundle's helpers refuses the blocks (notes/s8/note-n8b.md 2).
    [
      'airgap: this block is for dev-strimzi-6c915db; the helpers in this shell are for dev-strimzi-14e7221: paste the helper blocks of dev-strimzi-6c915db (block 1 on) first',
      'foreign',
    ],
    ["bash: unexpected EOF while looking for matching `''", 'cut'],
    ["> airgap_run mon-cfg-61fb680 6 step 0 'kubectl apply -f k8s/a.yaml' || :", 'cut'],
    ['> airgap_run mon-cfg-61fb680 7 summary || :', 'cut'],
    ['quote> airgap_run mon-cfg-61fb680 7 summary || :', 'cut'],
    // Not trouble: the loader's own continuation lines, echoes, other output.
    ['>   airgap_run mon-cfg-61fb680 0 loaded || printf x', undefined],
    [
      "  airgap_run mon-cfg-61fb680 0 loaded || printf '%s\\n' 'airgap: helpers not loaded or damaged: paste blocks 1-4 of PASTE.md again'",
      undefined,
    ],
    ['bash-5.2# airgap_run mon-cfg-61fb680 1 download || :', undefined],
    [
      `  if [ "\${1:-}" != mon-cfg-61fb680 ]; then printf 'airgap: this block is for %s; the helpers in this shell are for %s: paste the helper blocks of %s (block 1 on) first\\n' "\${1:-?}" mon-cfg-61fb680 "\${1:-?}"; return 2`,
      undefined,
    ],
    ['airgap: helpers for mon-cfg-61fb680 loaded (6 units)', undefined],
    ['kubectl: command not found', undefined],
    ['> kubectl get pods', undefined],
  ];
  for (const [line, trouble] of cases)
    it(`${JSON.stringify(line.slice(0, 50))} -> ${trouble ?? 'nothing'}`, () => {
      expect(pasteTroubleOf(line)).toBe(trouble);
    });
});
