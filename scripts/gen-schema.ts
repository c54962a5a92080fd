/** Writes bundles/bundle-spec.schema.json from the zod schema the CLI validates with. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleSpecJsonSchema } from '../src/model/spec-schema.js';
import { projectRoot } from './lib/loop.js';

writeFileSync(
  join(projectRoot, 'bundles/bundle-spec.schema.json'),
  `${JSON.stringify(bundleSpecJsonSchema(), null, 2)}\n`,
);
