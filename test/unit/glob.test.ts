import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_NAME_GLOBS, isCredentialName } from '../../src/bundle/credential-files.js';
import { globMatcher, regexFlags } from '../../src/util/glob.js';

// Names built from pieces that sit on the edges of the globs below: dots, case, slashes in
// every place (leading, doubled, trailing), newlines, the globs' own text, non-ASCII letters
// that fold to ASCII under some case rules (Kelvin sign, long s, dotted I).
const PIECES = [
  '',
  'a',
  'k8s',
  'K8S',
  '.',
  '..',
  '.git',
  '.env',
  '.ENV',
  'env',
  'x.env',
  '.env.local',
  'prod.Env',
  'config',
  'CONFIG',
  'config.json',
  '.docker',
  '.kube',
  '.aws',
  'credentials',
  'id_rsa',
  'ID_RSA.pub',
  'id_ed25519',
  'id_ecdsa-sk',
  'kubeconfig',
  'KubeConfig-prod',
  'tls.pem',
  'tls.PEM',
  'server.key',
  'keys',
  'store.p12',
  'cert.PFX',
  'a.dockerconfigjson',
  'cm-1.yaml',
  'deploy.YML',
  'a b',
  'a\nb',
  '\r',
  '\u212Aey',
  'pfx',
  'ſ',
  'İd_rsa',
  '*',
  '**',
  '[x',
  '!neg',
  '!*',
  'k8s/**',
  '{a,b}',
];
const GLOBS = [
  'k8s/**',
  '**',
  '*',
  '**/*.yaml',
  '*.{yaml,yml}',
  'k8s/*/cm-*.yaml',
  '!k8s/**',
  '!*.env',
  '!*',
  '[x',
  '{a,b}/**',
  'a?b',
  '.env',
  '**/.git/**',
  '*.ENV',
  'k8s/**/!(*.yaml)',
  ...CREDENTIAL_NAME_GLOBS,
];

/** Every name of one to three pieces joined by '/', and each with a leading and a trailing '/'. */
function names(): string[] {
  const out = new Set<string>(PIECES);
  for (const a of PIECES) {
    for (const b of PIECES) {
      out.add(`${a}/${b}`);
      out.add(`/${a}/${b}`);
      out.add(`${a}/${b}/`);
      out.add(`${a}${b}`);
    }
  }
  for (const a of PIECES.slice(0, 8))
    for (const b of PIECES) for (const c of PIECES) out.add(`${a}/${b}/${c}`);
  return [...out];
}

describe('globMatcher', () => {
  const all = names();
  for (const options of [{}, { dot: true }, { dot: true, nocase: true }]) {
    it(`answers as picomatch does, glob by glob (${JSON.stringify(options)})`, () => {
      for (const glob of GLOBS) {
        const ours = globMatcher(glob, options);
        const theirs = picomatch(glob, { ...options, flags: regexFlags(options) });
        const differ = [...all, glob].filter((name) => ours(name) !== theirs(name));
        expect(differ, glob).toEqual([]);
      }
    });
  }

  it('answers as picomatch does for a list of globs, and an empty list matches nothing', () => {
    const ours = globMatcher(CREDENTIAL_NAME_GLOBS, { dot: true, nocase: true });
    const theirs = picomatch([...CREDENTIAL_NAME_GLOBS], { dot: true, nocase: true, flags: 'si' });
    expect(all.filter((name) => ours(name) !== theirs(name))).toEqual([]);
    expect(all.filter((name) => theirs(name)).length).toBeGreaterThan(1000);
    expect(all.some(globMatcher([]))).toBe(false);
  });

  it('matches names holding a line terminator, which a committed file may have', () => {
    // picomatch's ** is a '.', which matches none of these without the s flag: such a file
    // was silently left out of a k8s/** bundle.
    const odd = [
      'k8s/a\u2028b.yaml',
      'k8s/sub/x\u2029.yaml',
      'k8s/new\nline.yaml',
      'k8s/cr\r.yaml',
    ];
    for (const name of odd) {
      expect(picomatch.makeRe('k8s/**').test(name), name).toBe(false);
      expect(globMatcher('k8s/**')(name), name).toBe(true);
      expect(globMatcher('K8S/**', { nocase: true })(name), name).toBe(true);
    }
    expect(globMatcher('k8s/*.yaml')('k8s/sub/x\u2029.yaml')).toBe(false);
    expect(globMatcher('k8s/**/*.yaml')('k8s/sub/x\u2029.yaml')).toBe(true);
  });

  it("keeps picomatch's two answers that are not the regex's", () => {
    // A negated glob's regex matches '', which picomatch never does.
    expect(picomatch.makeRe('!k8s/**').test('')).toBe(true);
    expect(globMatcher('!k8s/**')('')).toBe(false);
    // A name that is the glob's own text matches, whatever the regex says.
    expect(picomatch.makeRe('!*').test('!*')).toBe(false);
    expect(globMatcher('!*')('!*')).toBe(true);
  });
});

describe('isCredentialName', () => {
  it('answers as the credential globs do, where its word pre-check skips them', () => {
    // With the s flag, as globMatcher builds them: a .env under a directory whose name holds a
    // newline is refused too (without it, it was shipped).
    const globs = picomatch([...CREDENTIAL_NAME_GLOBS], { dot: true, nocase: true, flags: 'si' });
    const all = names();
    expect(all.filter((name) => isCredentialName(name) !== globs(name))).toEqual([]);
    // Each glob matched by some name here, so a word missing from the pre-check shows above.
    for (const glob of CREDENTIAL_NAME_GLOBS) {
      const one = picomatch(glob, { dot: true, nocase: true });
      expect(
        all.some((name) => one(name)),
        glob,
      ).toBe(true);
    }
  });
});
