import { bundleCommand } from './bundle.js';
import type { AnyCommand } from './command.js';
import { discardCommand } from './discard.js';
import { ingestCommand } from './ingest.js';
import { initCommand } from './init.js';
import { statusCommand } from './status.js';
import { uploadCommand } from './upload.js';

/** Every command of the CLI, in the order `airgap --help` lists them. */
export const COMMANDS: readonly AnyCommand[] = [
  bundleCommand,
  uploadCommand,
  ingestCommand,
  statusCommand,
  initCommand,
  discardCommand,
];
