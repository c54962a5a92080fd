import { z } from 'zod';
import { bundleSpecSchema } from './spec.js';

/** The JSON Schema editors use for bundles/*.yaml; generated from the same zod schema. */
export function bundleSpecJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(bundleSpecSchema, { io: 'input' }),
    $id: 'https://airgap.invalid/bundle-spec.schema.json',
    title: 'airgap bundle spec',
  };
}
