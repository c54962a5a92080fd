import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataLiteral, raw, sh } from '../../src/paste/sh.js';
import { fixture, tempDir } from '../helpers/fixtures.js';

const work = fixture(() => tempDir('airgap-sh-'));
/** A file the hostile values would create if a shell ran them (in the file's fixture). */
const canary = () => join(work().path, 'injected');

const hostile = () => [
  `$(touch ${canary()})`,
  `\`touch ${canary()}\``,
  `"; touch ${canary()}; echo "`,
  `'; touch ${canary()}; echo '`,
  `a\ntouch ${canary()}\n`,
  `EOF\ntouch ${canary()}\nEOF`,
  `\${HOME}$((1+1))!!*?[a]~`,
  `-n`,
  '=ls',
  '=no-such-command',
  `\\`,
  '',
];

const shells = ['bash', 'zsh', 'dash'].filter(
  (s) => spawnSync('sh', ['-c', `command -v ${s}`]).status === 0,
);

describe('sh tagged template', () => {
  for (const shell of shells) {
    it(`prints every hostile value inertly in ${shell}`, () => {
      for (const value of hostile()) {
        const script = sh`printf '%s' ${value}`;
        const run = spawnSync(shell, ['-c', script.text], { encoding: 'utf8' });
        expect(run.stdout, JSON.stringify(value)).toBe(value);
        expect(existsSync(canary())).toBe(false);
      }
    });
  }

  it('keeps arrays as separate words and numbers as numbers', () => {
    const script = sh`printf '<%s>' ${['a b', '$x']} ${3}`;
    expect(spawnSync('bash', ['-c', script.text], { encoding: 'utf8' }).stdout).toBe(
      '<a b><$x><3>',
    );
  });

  it('nests fragments verbatim and only raw() is code', () => {
    const inner = sh`echo ${'x y'}`;
    expect(sh`${inner} && ${raw('true')}`.text).toBe(`echo 'x y' && true`);
  });

  it('refuses an interpolation inside the template’s own quotes or a comment', () => {
    const x = 'v';
    expect(() => sh`echo "${x}"`).toThrow(/inside double quotes/);
    expect(() => sh`echo '${x}'`).toThrow(/inside single quotes/);
    expect(() => sh`echo "$(cat ${x})"`).not.toThrow();
    expect(() => sh`echo hi # ${x}`).toThrow(/comment/);
    expect(() => sh`cat <<'E'\n${x}\nE\n`).toThrow(/heredoc quotes/);
    expect(() => sh`cat <<'E'\nit's\nE\necho ${x}`).not.toThrow();
  });

  it('refuses a number that is not an integer', () => {
    expect(() => sh`sleep ${1.5}`).toThrow(/integer/);
  });
});

describe('dataLiteral', () => {
  it('carries any bytes, heredoc terminators included, through base64', () => {
    const data = `ssh-ed25519 AAAA key\nEOF\nAIRGAP_SIGNERS_EOF\n$(touch ${canary()})\n'"\``;
    const out = spawnSync('bash', ['-c', dataLiteral(data).text], { encoding: 'utf8' });
    expect(out.stdout).toBe(data);
    expect(existsSync(canary())).toBe(false);
  });
});
