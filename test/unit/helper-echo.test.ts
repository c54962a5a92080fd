import { describe, expect, it } from 'vitest';
import { HelperEchoFolder, isHelperPayloadEcho } from '../../src/ingest/parse/helper-echo.js';

describe('HelperEchoFolder', () => {
  it('folds each run of echoed payload lines into one line, keeping everything else', () => {
    const out: string[] = [];
    const folder = new HelperEchoFolder((line) => out.push(line));
    for (const line of [
      "[ec2-user@ip-10-0-1-23 ~]$ printf '%s\\n' \\",
      "> 'H4sIAAAAAAACA51Y63LbNhb+z6c44dKWmAaWqNiJL2Ua13HjTGqnE8Wd6aYZD0SCEkYUwACg' \\",
      "'Zaf2A+yD7Ivtk+zgwpskO7ud8ZgULh/P5TsX4B9PBhPKBnLm0TROyTVSvKCJRAdptD98MfLk' \\",
      '  >| ~/airgap/dev-topics-9d18062/helpers.1 || :',
      "echo 'not base64 at all' \\",
    ])
      folder.push(line);
    folder.flush();
    expect(out).toEqual([
      "[ec2-user@ip-10-0-1-23 ~]$ printf '%s\\n' \\",
      '[airgap: 2 echoed line(s) of the helper payload left out]',
      '  >| ~/airgap/dev-topics-9d18062/helpers.1 || :',
      "echo 'not base64 at all' \\",
    ]);
  });

  it('does not take a quoted word in a command for payload', () => {
    expect(isHelperPayloadEcho("kubectl get pods -n 'quotes' \\")).toBe(false);
    expect(isHelperPayloadEcho("'abc def' \\")).toBe(false);
  });
});
