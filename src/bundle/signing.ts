import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { AirgapError, missingTool } from '../errors.js';
import { SIGNATURE_NAMESPACE } from '../model/record-format.js';

function run(args: string[], input?: Buffer): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    const child = spawn('ssh-keygen', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', () => done({ code: 127, out: 'ssh-keygen is not installed' }));
    child.on('close', (code) => done({ code: code ?? 1, out: out.trim() }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** Signs the archive with ssh-keygen -Y sign, then checks it against the committed signers. */
export async function signArchive(options: {
  archive: string;
  key: string;
  identity: string;
  allowedSigners: string;
  allowedSignersFile: string;
}): Promise<string> {
  const key = resolve(options.key.replace(/^~(?=\/)/, homedir()));
  const signed = await run([
    '-Y',
    'sign',
    '-q',
    '-f',
    key,
    '-n',
    SIGNATURE_NAMESPACE,
    options.archive,
  ]);
  if (signed.code === 127) throw missingTool('ssh-keygen');
  if (signed.code !== 0) {
    throw new AirgapError(
      `ssh-keygen could not sign the bundle with ${options.key}: ${signed.out.split('\n')[0]}`,
      {
        hint: 'check the key path (--sign-key or signing.key) and that ssh-keygen is installed',
        code: 'integrity',
      },
    );
  }
  const sig = await readFile(`${options.archive}.sig`, 'utf8');
  const verified = await run(
    [
      '-Y',
      'verify',
      '-f',
      options.allowedSignersFile,
      '-I',
      options.identity,
      '-n',
      SIGNATURE_NAMESPACE,
      '-s',
      `${options.archive}.sig`,
    ],
    await readFile(options.archive),
  );
  if (verified.code !== 0) {
    throw new AirgapError(
      `the signature does not verify against ${options.allowedSigners} for ${options.identity}`,
      {
        details: [verified.out.split('\n')[0] ?? ''],
        hint: 'add the public key to the committed allowed_signers file, or sign with the listed key',
        code: 'integrity',
      },
    );
  }
  return sig;
}
