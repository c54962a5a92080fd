/**
 * Generated transcripts for the differential tests of ingest's chunk paths: every kind of
 * line the per-line code handles (escape sequences, redraws, backspaces, CRLF, controls,
 * trailing blanks, multi-byte text, markers, secrets of several rules, Secret data maps, PEM
 * blocks, prompts of secret-printing commands, known values repeated later), from a seed.
 */

/** A small deterministic PRNG (mulberry32): the same seed gives the same transcript. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'padding',
  'value-1',
  'kubectl',
  'get',
  'pods',
  'Running',
  'metadata:',
  'name:',
  'é',
  '日本語',
  '🎉',
  'İstanbul',
  '\u212aelvin',
  'naïve',
  'ask',
  'disk',
  'Basic',
  'token',
  '://',
  'a',
  '',
];
const NOISE = [
  '\x1b[32m',
  '\x1b[0m',
  '\x1b[01;31m\x1b[K',
  '\x1b[?2004h',
  '\x1b]0;user@host:~\x07',
  '\x1b]8;;http://x\x1b\\',
  '\x1b]0;unterminated',
  '\x1b(B',
  '\x1b=',
  '\x1b',
  '\x1b[',
  '\x1b]',
  '\x1b\\',
  '\r',
  '\b',
  '\x00',
  '\x7f',
  '\t',
  ' ',
  '  ',
  '\x1b\r',
  '\r\r',
];
const SECRET_LINES = [
  'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'password=hunter2hunter2',
  'hunter2hunter2 appears again',
  'aHVudGVyMmh1bnRlcjI= is its base64',
  'key id AKIAIOSFODNN7EXAMPLE here',
  'ghp_0123456789abcdefghijABCDEFGHIJ012345',
  'Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123',
  'curl https://user:s3cretPassw0rd@example.com/x',
  '{"apiVersion":"v1","kind":"Secret","data":{"password":"c2VjcmV0cGFzc3dvcmQ="}}',
  '  "auth": "dXNlcjpwYXNzd29yZDEyMw=="',
];
const BLOCKS = [
  [
    'root# kubectl get secret db -o go-template={{.data.pw}}',
    'rootplaintextpassword',
    'root# echo next',
  ],
  // A known value cut in two at a line end (not a wrapped copy: the joiner leaves it).
  ['output padded to be longer than forty columns, hunter2hun', 'ter2 goes on here'],
  ['a token line padded past forty columns as well: hunter2hunter', '2 goes on'],
  ['base64 of it, cut after forty columns or more: aHVudGVyMmh1', 'bnRlcjI= and on'],
  [
    '-----BEGIN RSA PRIVATE KEY-----',
    'MIIEpAIBAAKCAQEA1234567890abcdef',
    'ZmFrZWtleWZha2VrZXk=',
    '-----END RSA PRIVATE KEY-----',
  ],
  [
    'apiVersion: v1',
    'data:',
    '  password: c2VjcmV0cGFzc3dvcmQ=',
    '  user: YWRtaW4=',
    'kind: Secret',
  ],
  ['stringData:', '  config: |', '    line one secret', '    line two secret', 'type: Opaque'],
  [
    '[ec2-user@ip-10-0-1-23 ~]$ kubectl get secret db -o jsonpath={.data.pw} | base64 -d',
    'plaintextpassword1',
    '@@airgap/1 end many-c2a1284 5 step rc=0 1770973203',
  ],
  [
    '$ aws ecr get-login-password',
    'eyJwYXlsb2FkIjoiYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY3ODkw',
    '$ echo done',
  ],
  ['"data": {', '  "token": "dG9rZW52YWx1ZTEyMzQ=",', '}'],
];
const MARKERS = [
  '@@airgap/1 begin many-c2a1284 4 step 1770973200',
  '[2026-02-13T09:00:00Z ip-10-0-1-23] $ kubectl get configmap a -o yaml',
  '@@airgap/1 end many-c2a1284 4 step rc=0 1770973201',
  "\x1b[?2004h[ec2-user@ip-10-0-1-23 ~]$ airgap_run 4 step 0 'kubectl get pods'",
];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)] as T;
}

const isAscii = (text: string) => /^[\x00-\x7f]*$/.test(text);
const ASCII_WORDS = WORDS.filter(isAscii);
/** Colours and bracketed paste only, as most chunks hold (ingest's one-loop path). */
const CSI_NOISE = NOISE.filter((n) => /^(?:\x1b\[[0-?]*[ -/]*[@-~])+$|^[^\x1b]*$/.test(n));

/** One line of text (without its newline) with noise mixed in at random places. */
function noisyLine(next: () => number, ascii: boolean, csi: boolean): string {
  const words = ascii ? ASCII_WORDS : WORDS;
  const noise = csi ? CSI_NOISE : NOISE;
  const r = next();
  if (r < 0.05) return pick(next, SECRET_LINES);
  if (r < 0.08) return pick(next, MARKERS);
  if (r < 0.1) return '';
  let line = '';
  const parts = 1 + Math.floor(next() * 8);
  for (let i = 0; i < parts; i++) {
    line += next() < 0.3 ? pick(next, noise) : `${pick(next, words)} `;
    if (next() < 0.02) line += pick(next, SECRET_LINES);
  }
  return line;
}

/**
 * A transcript of about `lines` lines. `ascii`: no character past ASCII; `csi`: no escape
 * sequence but CSI ones (markers, secrets and redraws stay); `rate`: the share of noisy lines
 * (the others plain words). ASCII with CSI only, mostly plain, is what most of a paste is.
 */
export function noisyTranscript(
  seed: number,
  lines: number,
  { ascii = false, csi = false, rate = 1 } = {},
): string {
  const next = random(seed);
  const out: string[] = [];
  while (out.length < lines) {
    const r = next();
    if (next() >= rate) out.push(`${pick(next, ascii ? ASCII_WORDS : WORDS)} padding padding`);
    else if (r < 0.01) out.push(...pick(next, BLOCKS).filter((l) => !ascii || isAscii(l)));
    else out.push(noisyLine(next, ascii, csi));
  }
  // Line ends: LF, CRLF, or a stray CR before the CRLF.
  return out
    .map((line) => {
      const end = next();
      return line + (end < 0.5 ? '\n' : end < 0.95 ? '\r\n' : '\r\r\n');
    })
    .join('');
}

/** The bytes cut at random places (inside multi-byte characters too), as a stream gives them. */
export function* randomChunks(
  bytes: Buffer,
  next: () => number,
  largest: number,
): Generator<Buffer> {
  let at = 0;
  while (at < bytes.length) {
    const size = 1 + Math.floor(next() * largest);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}
