// `kubectl diff` of the stand-in (kube-cli.mjs parses its flags and gathers its objects): a
// server dry run of each object against the API-server model in kube-model.mjs, changing nothing.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { admissionError, canonical, identity } from './kube-model.mjs';

/**
 * Like kubectl diff: a server dry run of each object, exit 0 without differences, 1 with, >1
 * on an error. The changed objects are compared by one `diff -r` of two folders (a diff per
 * object was a fork of this process and of diff each, 394 in installs.test.ts), its headers
 * written back to the labels `diff -u -N --label live/… --label merged/…` of each pair gives.
 */
export function diff(flags, { mapped, errors }, { state, env, write, err }) {
  const work = mkdtempSync(join(env.TMPDIR || tmpdir(), 'kubectl-diff-'));
  const names = [];
  try {
    mkdirSync(join(work, 'live'));
    mkdirSync(join(work, 'merged'));
    for (const o of mapped) {
      const live = state.objects[identity(o)];
      const problem = admissionError(state, o, {
        serverSide: flags.serverSide,
        verb: live ? 'patching' : 'creating',
      });
      if (problem) {
        errors.push(problem);
        continue;
      }
      if (live && canonical(live.object) === canonical(o.object)) continue;
      // Same-length numbers: diff -r visits the pairs in the order of the objects.
      const file = String(names.length).padStart(6, '0');
      names.push(`${o.resource}.${o.namespace ?? ''}.${o.name}`);
      writeFileSync(join(work, 'live', file), live ? yaml.dump(live.object) : '');
      writeFileSync(join(work, 'merged', file), yaml.dump(o.object));
    }
    if (names.length) {
      const run = spawnSync('diff', ['-u', '-N', '-r', 'live', 'merged'], {
        cwd: work,
        encoding: 'utf8',
        env,
        maxBuffer: 1024 * 1024 * 1024,
      });
      write.out(labelled(run.stdout, names));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (errors.length) {
    for (const e of errors) err(e);
    return 2;
  }
  return names.length ? 1 : 0;
}

/**
 * `diff -r live merged` output as the separate `diff -u --label live/NAME --label merged/NAME`
 * runs print it: no `diff …` line per pair, and the labels in the `---`/`+++` headers (and in a
 * binary files line) instead of the numbered paths and their times. Hunk lines start with a
 * space, `+`, `-`, `\\` or `@@`, so a line starting `diff ` is always the start of a pair.
 */
function labelled(text, names) {
  const lines = text.split('\n');
  let name;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const pair = /^diff .* live\/(\d{6}) merged\/\1$/.exec(line);
    if (pair) {
      name = names[Number(pair[1])];
      lines[i] = undefined;
    } else if (name !== undefined && line.startsWith('--- live/')) {
      lines[i] = `--- live/${name}`;
    } else if (name !== undefined && line.startsWith('+++ merged/')) {
      lines[i] = `+++ merged/${name}`;
      name = undefined;
    } else {
      const binary = /^Binary files live\/(\d{6}) and merged\/\1 differ$/.exec(line);
      if (binary) {
        const n = names[Number(binary[1])];
        lines[i] = `Binary files live/${n} and merged/${n} differ`;
      }
    }
  }
  return lines.filter((l) => l !== undefined).join('\n');
}
