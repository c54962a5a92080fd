/**
 * Session Manager's two S3 log forms of one terminal stream, built the way the SSM agent
 * builds them (amazon-ssm-agent, agent/session/shell and cloudwatchlogspublisher): the raw
 * form is the pty's bytes as they came; the streamed form is CloudWatchMessage events, each
 * holding the lines read since the last one in `sessionData`, every `\r` dropped and tabs
 * turned into spaces.
 */
export interface EventOptions {
  /** Lines per event (the agent sends what a one-second tick found: any number). */
  linesPerEvent?: number;
  /** JSON Lines (one event a line, as a Firehose delivery writes them) or pretty-printed. */
  layout?: 'lines' | 'pretty' | 'array' | 'cloudwatch-export';
}

export function sessionManagerEvents(raw: string, options: EventOptions = {}): string {
  const per = options.linesPerEvent ?? 7;
  const lines = raw.split(/(?<=\n)/);
  const events: object[] = [];
  for (let i = 0; i < lines.length; i += per) {
    const message = lines
      .slice(i, i + per)
      .join('')
      .replaceAll('\t', ' ')
      .replaceAll('\r', '');
    const sessionData = message.split('\n');
    if (sessionData.at(-1) === '') sessionData.pop();
    events.push({
      eventVersion: '1.0',
      eventTime: new Date(Date.UTC(2026, 10, 26, 0, 27, i)).toISOString().replace('.000', ''),
      awsRegion: 'us-east-1',
      target: { id: 'i-0123456789abcdef0' },
      userIdentity: { arn: 'arn:aws:iam::111122223333:user/operator' },
      runAsUser: 'ssm-user',
      sessionId: 'operator-0a1b2c3d4e5f67890',
      sessionData,
    });
  }
  switch (options.layout ?? 'lines') {
    case 'pretty':
      return `${events.map((e) => JSON.stringify(e, null, 4)).join('\n')}\n`;
    case 'array':
      return JSON.stringify(events, null, 2);
    case 'cloudwatch-export':
      return events
        .map((e) => `${(e as { eventTime: string }).eventTime} ${JSON.stringify(e)}\n`)
        .join('');
    default:
      return events.map((e) => `${JSON.stringify(e)}\n`).join('');
  }
}
