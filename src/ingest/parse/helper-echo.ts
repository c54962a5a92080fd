import type { BundleRecord } from '../../model/record.js';

/** The lines of the helper blocks as pasted, from the record's plan (none in older records). */
export function helperBlockLines(record: BundleRecord): string[] {
  return (record.plan?.blocks ?? []).filter((b) => b.helpers).flatMap((b) => b.code.split('\n'));
}

/**
 * The echo of the bastion's helper blocks: dozens of quoted base64 lines (the compressed
 * helpers.sh) that mean nothing in a runbook. A run of them in the text outside the markers
 * becomes one line that says what was there.
 */
const PAYLOAD_LINE = /^[^']{0,80}'[A-Za-z0-9+/=]{8,76}' \\$/;

export function isHelperPayloadEcho(line: string): boolean {
  return PAYLOAD_LINE.test(line.trimEnd());
}

export class HelperEchoFolder {
  private run = 0;

  constructor(private readonly emit: (line: string) => void) {}

  push(line: string): void {
    if (isHelperPayloadEcho(line)) {
      this.run++;
      return;
    }
    this.flush();
    this.emit(line);
  }

  flush(): void {
    if (this.run) this.emit(`[airgap: ${this.run} echoed line(s) of the helper payload left out]`);
    this.run = 0;
  }
}
