import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeS3Client } from '../../src/transfer/upload.js';
import { tempDir } from '../helpers/fixtures.js';
import { projectRoot } from '../helpers/ops-repo.js';

afterEach(() => vi.unstubAllEnvs());
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('makeS3Client --profile', () => {
  it('gives the profile to the client and leaves process.env alone', async () => {
    await using tmp = await tempDir();
    const dir = tmp.dir();
    const credentials = join(dir, 'credentials');
    writeFileSync(
      credentials,
      '[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n\n' +
        '[ops]\naws_access_key_id = AKIAOPSPROFILE\naws_secret_access_key = o\n',
    );
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', credentials);
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config-none'));
    for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])
      vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');

    const ops = makeS3Client({ region: 'us-east-1', profile: 'ops' });
    expect((await ops.config.credentials()).accessKeyId).toBe('AKIAOPSPROFILE');
    expect(process.env.AWS_PROFILE).toBeUndefined();
    // A later client in the same process is not steered by the earlier one's profile.
    const plain = makeS3Client({ region: 'us-east-1' });
    expect((await plain.config.credentials()).accessKeyId).toBe('AKIADEFAULT');
  });

  it('is the only way: nothing under src/ but the CLI entry assigns process.env', () => {
    const writes = sourceFiles(join(projectRoot, 'src'))
      .filter((file) => !file.endsWith(join('src', 'cli', 'main.ts')))
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/process\.env(?:\.\w+|\[[^\]]+\])\s*=(?!=)/g)].map(
          (m) => `${file}: ${m[0]}`,
        ),
      );
    expect(writes).toEqual([]);
  });
});
