// Runs before `tsc -b tsconfig.build.json` (npm run build). Build mode skips the compile when
// no input is newer than dist/build.tsbuildinfo, and never checks that its outputs are still
// there: a file deleted from dist/ would stay missing. So when any compiled file's .js or
// .d.ts is gone, the build info goes too and tsc compiles everything again. Plain JS: it has
// to run before anything is compiled.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const info = join('dist', 'build.tsbuildinfo');
if (existsSync(info)) {
  const missing = ['src', 'scripts', 'types']
    .flatMap((dir) =>
      existsSync(dir) ? readdirSync(dir, { recursive: true }).map((f) => join(dir, String(f))) : [],
    )
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .flatMap((file) => ['.js', '.d.ts'].map((ext) => join('dist', file.slice(0, -3) + ext)))
    .filter((output) => !existsSync(output));
  if (missing.length > 0) {
    process.stdout.write(`${missing[0]} is missing: compiling everything\n`);
    rmSync(info);
  }
}
