import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signArchive } from '../../bundle/signing.js';
import { AirgapError } from '../../errors.js';
import type { BundleRecord } from '../../model/record.js';
import type { Git } from '../../repo/git-access.js';
import type { BundlePlan } from './plan.js';

/**
 * Sign phase: for a spec with `signing`, signs the packed archive and checks the signature
 * against the committed allowed_signers (the file the bastion will trust).
 */
export async function signBundle(
  plan: BundlePlan,
  git: Git,
  stagingDir: string,
  signKey: string | undefined,
): Promise<BundleRecord['signature']> {
  const { spec, specPath, root, commit } = plan;
  if (!spec.signing) return undefined;
  const key = signKey ?? spec.signing.key;
  if (!key) {
    throw new AirgapError(`${specPath} requires a signed bundle`, {
      hint: 'pass --sign-key PATH (an ssh private key listed in allowed_signers)',
      code: 'usage',
    });
  }
  const signers = await git.showCommittedFile(root, commit.sha, spec.signing.allowedSigners);
  if (signers === undefined) {
    throw new AirgapError(
      `${spec.signing.allowedSigners} (signing.allowedSigners) is not committed`,
      {
        hint: 'commit the allowed_signers file: the bastion trusts only committed signers',
        code: 'invalidSpec',
      },
    );
  }
  const signersFile = join(stagingDir, '.allowed_signers');
  await writeFile(signersFile, signers);
  const sig = await signArchive({
    archive: join(stagingDir, plan.archiveName),
    key,
    identity: spec.signing.identity,
    allowedSigners: spec.signing.allowedSigners,
    allowedSignersFile: signersFile,
  });
  await rm(signersFile);
  return {
    identity: spec.signing.identity,
    allowedSigners: signers.toString('utf8'),
    allowedSignersPath: spec.signing.allowedSigners,
    sig,
  };
}
