import { it } from 'vitest';
import { cleanTerminalLine, cleanTerminalText } from '../../src/ingest/terminal.js';
import { noisyTranscript } from '../../test/helpers/noisy-transcript.js';
it('dbg', () => {
  for (let seed = 1; seed < 10; seed++) {
    const t = noisyTranscript(seed, 12000);
    const raws = t.split('\n'); raws.pop();
    const slow = raws.map(cleanTerminalLine);
    const fast = cleanTerminalText(t).split('\n'); fast.pop();
    let shown = 0;
    for (let i = 0; i < raws.length && shown < 5; i++) if (slow[i] !== fast[i]) { shown++; console.log(JSON.stringify(raws[i]), JSON.stringify(slow[i]), JSON.stringify(fast[i])); }
  }
});
