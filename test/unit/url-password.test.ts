import { describe, expect, it } from 'vitest';
import { fill } from '../../scripts/lib/hostile-lines.js';
import { findSecrets, maskSecrets, rules } from '../../src/secrets/index.js';

const [plain, encoded] = rules.filter((r) => r.id === 'url-password');

/**
 * The encoded entry with a lookahead at every character, the simplest statement of what it finds:
 * the user stops at an encoded `:` or `@`, the password at an encoded `@` or at an encoded `://`,
 * after which it may go on, once, to an encoded `@` with no encoded `:` before it, unless a list
 * separator and a scheme come before that `://`. The rule's pattern is a faster spelling of it and
 * must find exactly the same.
 */
const REFERENCE =
  /(?<=[a-z0-9])%3A%2F%2F(?:(?!%3A|%40)[^\s'"&@/?#]){0,256}%3A((?:(?!%40|%3A%2F%2F)[^\s'"&@/?#]){1,512}(?:%3A%2F%2F(?<!(?:%2C|%3B|%20|%3F|%26|%3D|[,;+])[a-z][\w+.-]{0,30}%3A%2F%2F)(?:(?!%3A|%40)[^\s'"&@/?#]){0,256})?)%40/gi;

const matches = (pattern: RegExp, text: string) =>
  [...text.matchAll(new RegExp(pattern.source, pattern.flags))].map(
    (m) => `${m.index}+${m[0].length}:${m[1]}`,
  );

/** Lines of URL pieces, encoded URLs among them, by a seeded generator (the same every run). */
function* generated(count: number): Generator<string> {
  // The pieces a match is made of come three times over, so that many lines hold one.
  const pieces = [
    ...['db%3A%2F%2F', '%3A', '%40', 'Pw'].flatMap((p) => [p, p, p]),
    'db%3A%2F%2F',
    'X%3a%2f%2f',
    '%3A%2F%2F',
    '%3A%2F%2F',
    '%2Credis',
    ';x',
    '%3A',
    '%3a',
    '%40',
    '%2540',
    '%2F',
    '%25',
    '%',
    '%4',
    '%3',
    'u',
    'Pw',
    '0',
    ':',
    '/',
    '@',
    ' ',
    '"',
    '&',
    'a'.repeat(255),
    'b'.repeat(511),
  ];
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    let line = '';
    for (let k = 1 + next(24); k > 0; k--) line += pieces[next(pieces.length)];
    yield line;
  }
}

describe('url-password', () => {
  it('the encoded pattern finds what the reference finds, on generated lines', () => {
    let found = 0;
    let inner = 0;
    for (const line of generated(6000)) {
      const expected = matches(REFERENCE, line);
      found += expected.length;
      inner += expected.filter((m) => /%3A%2F%2F/i.test(m.slice(m.indexOf(':') + 1))).length;
      expect(matches(encoded?.pattern ?? REFERENCE, line), line).toEqual(expected);
    }
    // The lines exercise the rule: a good share of them hold an encoded URL with a password,
    // and some a password holding an encoded `://`.
    expect(found).toBeGreaterThan(500);
    expect(inner).toBeGreaterThan(50);
  });

  it('finds nothing in the hostile lines of encoded `://` (one start every 9 bytes)', () => {
    for (const unit of ['%3a%2f%2f', 'a%3A%2F%2F%3Ab', 'x%3A%2F%2Fu%3Apw'])
      expect(findSecrets(fill(unit))).toEqual([]);
  });

  it('an empty user, a user holding `%2540` (an encoded `@` in an encoded URL)', () => {
    expect(maskSecrets('u=redis%3A%2F%2F%3AT0p-s3cr3t%40cache').text).toBe(
      'u=redis%3A%2F%2F%3A«masked:url-password»%40cache',
    );
    expect(maskSecrets('u=mysql%3A%2F%2Fro%2540ot%3AT0p-s3cr3t%40db').text).toBe(
      'u=mysql%3A%2F%2Fro%2540ot%3A«masked:url-password»%40db',
    );
    expect(maskSecrets('u=redis://:T0p-s3cr3t@cache').text).toBe(
      'u=redis://:«masked:url-password»@cache',
    );
  });

  it('a password stops at the next encoded `://`, as a plain one stops at a `/`', () => {
    // Until session 8 the encoded password ran on over the next URL of a list, masking its host.
    expect(
      maskSecrets('hosts=redis%3A%2F%2Fa%3A6379%2Credis%3A%2F%2Fu%3AT0p-s3cr3t%40b').text,
    ).toBe('hosts=redis%3A%2F%2Fa%3A6379%2Credis%3A%2F%2Fu%3A«masked:url-password»%40b');
    expect(maskSecrets('hosts=redis://a:6379,redis://u:T0p-s3cr3t@b').text).toBe(
      'hosts=redis://a:6379,redis://u:«masked:url-password»@b',
    );
    // An encoded `/` alone may be in a password (base64).
    expect(maskSecrets('u=db%3A%2F%2Fu%3AwJal%2FK7MD%2Fb%40h').text).toBe(
      'u=db%3A%2F%2Fu%3A«masked:url-password»%40h',
    );
  });

  it('a password holding one encoded `://` is masked whole; a list of URLs is not a password', () => {
    // Left whole until session 9 (the password stopped at the `://`, and no match followed).
    expect(
      maskSecrets('DATABASE_URL=postgresql%3A%2F%2Fapp%3As3cr%3A%2F%2Fet%40db%3A5432').text,
    ).toBe('DATABASE_URL=postgresql%3A%2F%2Fapp%3A«masked:url-password»%40db%3A5432');
    expect(maskSecrets('https%3A%2F%2Fuser%3AhJ8%25kQ%3A%2F%2Fz9%40host').text).toBe(
      'https%3A%2F%2Fuser%3A«masked:url-password»%40host',
    );
    expect(maskSecrets('u=db%3A%2F%2Fu%3Ahttp%3A%2F%2Fx%40h').text).toBe(
      'u=db%3A%2F%2Fu%3A«masked:url-password»%40h',
    );
    // The second URL of a list, with a user alone or with its own password: hosts not masked.
    for (const sep of ['%2C', '%3B', '%20', ',', ';', '+'])
      expect(findSecrets(`hosts=redis%3A%2F%2Fa%3A6379${sep}rediss%3A%2F%2Fu%40b`), sep).toEqual(
        [],
      );
    // Nor is a URL held in the query of one with a port: `:5432/app?next=https://user@…`.
    for (const sep of ['%3F', '%26', '%3D'])
      expect(
        findSecrets(
          `jdbc%3Apostgresql%3A%2F%2Fdb%3A5432%2Fapp${sep}https%3A%2F%2Fuser%40example.com`,
        ),
        sep,
      ).toEqual([]);
    expect(
      findSecrets(
        'a=https%3A%2F%2Fapi%3A443%2Fv1%3Fcb%3Dhttps%3A%2F%2Fx.io%2Fu%2Fbob%40example.com',
      ),
    ).toEqual([]);
    expect(maskSecrets('x%3A%2F%2Fa%3Ab%3A%2F%2Fu%3AT0p-s3cr3t%40h').text).toBe(
      'x%3A%2F%2Fa%3Ab%3A%2F%2Fu%3A«masked:url-password»%40h',
    );
    // Two encoded `://` in a password: not read (the bound that keeps each start short).
    expect(findSecrets('u=db%3A%2F%2Fu%3Aa%3A%2F%2Fb%3A%2F%2Fc%40h')).toEqual([]);
  });

  it('a user holding `%40` ends the user: no password is read after it', () => {
    expect(findSecrets('u=mysql%3A%2F%2Fro%40ot%3AT0p-s3cr3t%40db')).toEqual([]);
  });

  it('the password is what comes before the first encoded `@`', () => {
    expect(maskSecrets('u=mysql%3A%2F%2Froot%3AT0p%3As3cr3t%40db%40x').text).toBe(
      'u=mysql%3A%2F%2Froot%3A«masked:url-password»%40db%40x',
    );
    expect(findSecrets('u=mysql%3A%2F%2Froot%3A%40T0p-s3cr3t%40db')).toEqual([]);
  });

  it('holds to its bounds: users of 256 characters, passwords of 256 (plain) and 512 (encoded)', () => {
    const pw = (n: number) => `Zq9-${'x1y2'.repeat(n)}`.slice(0, n);
    const plainLine = (user: number, password: number) =>
      `u=mysql://${'u'.repeat(user)}:${pw(password)}@db`;
    const encodedLine = (user: number, password: number) =>
      `u=mysql%3A%2F%2F${'u'.repeat(user)}%3A${pw(password)}%40db`;
    for (const line of [plainLine(256, 256), encodedLine(256, 512)])
      expect(findSecrets(line).map((f) => f.end - f.start)).toEqual([
        line.includes('%40') ? 512 : 256,
      ]);
    for (const line of [plainLine(257, 8), plainLine(8, 257), encodedLine(257, 8)])
      expect(findSecrets(line), line).toEqual([]);
    expect(findSecrets(encodedLine(8, 513))).toEqual([]);
  });

  it('leaves a password repeating the user or the scheme, plain or encoded', () => {
    expect(findSecrets('DB_URL: postgres://postgres:postgres@db.prod:5432/app')).toEqual([]);
    expect(findSecrets('u=postgresql%3A%2F%2Fpostgres%3Apostgres%40db')).toEqual([]);
    expect(findSecrets('u=postgresql%3A%2F%2Fapp%3Apostgresql%40db')).toEqual([]);
    expect(plain?.keywords).toEqual(['://']);
  });
});
