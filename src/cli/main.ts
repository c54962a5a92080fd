#!/usr/bin/env node
import { GENERATOR_VERSION } from '../model/version.js';

// `airgap --version` is answered before commander and the command table load: they were
// nearly all its cost over bare node (`perf stat -e task-clock`: 207 ms against 122 ms CPU).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${GENERATOR_VERSION}\n`);
} else {
  await import('./program.js');
}
