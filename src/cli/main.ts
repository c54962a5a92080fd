#!/usr/bin/env node
import { GENERATOR_VERSION } from '../model/version.js';

// `airgap --version` is answered before commander and the command table load: they were
// nearly all its cost over bare node (`perf stat -e task-clock`: 207 ms against 122 ms CPU).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${GENERATOR_VERSION}\n`);
} else {
  // The AWS SDK warns about Node versions on stderr; that is noise for an operator. The entry
  // is the one file that sets the process's environment (test/unit/s3-client.test.ts).
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  await import('./program.js');
}
