import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startProgress } from '../../src/util/progress.js';

/** A stream that says it is a terminal and keeps what is written to it. */
function fakeTerminal(isTTY: boolean) {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      written.push(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream & { written: string[] };
  Object.assign(stream, { isTTY, columns: 80, written });
  return stream;
}

describe('startProgress', () => {
  it('draws a bar on a terminal once cli-progress has loaded in the background', async () => {
    const stream = fakeTerminal(true);
    let t = 0;
    const progress = startProgress({
      label: 'packing',
      total: 10,
      unit: 'files',
      enabled: true,
      stream,
      now: () => t,
    });
    t = 2000;
    // cli-progress loads in the background: wait for it as a long bundle would.
    for (let i = 0; i < 200 && !stream.written.join('').includes('packing ['); i++) {
      progress.add(1);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    progress.done();
    expect(stream.written.join('')).toContain('packing [');
  });

  it('writes plain lines, no bar, when the stream is no terminal', () => {
    const stream = fakeTerminal(false);
    let t = 0;
    const progress = startProgress({
      label: 'packing',
      total: 10,
      unit: 'files',
      enabled: true,
      stream,
      now: () => t,
    });
    t = 6000;
    progress.add(5);
    progress.done();
    expect(stream.written).toEqual(['packing: 5 files of 10 files (1 files/s)\n']);
  });
});
