// Writes test/durations.json from a vitest JSON report (.ci/run leaves one in .ci/results.json),
// run from the project root; the report may come from another checkout (a clean clone):
// each test file's seconds, longest first. vitest.config.ts starts the longest files first from
// this table, so refresh it from a quiet run when files are added or grow:
//   node .ci/durations.mjs .ci/results.json
import { readFileSync, writeFileSync } from 'node:fs';

const [file = '.ci/results.json'] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, 'utf8'));
const rows = report.testResults
  .map((suite) => [suite.name.slice(suite.name.lastIndexOf('/test/') + 1), Math.round((suite.endTime - suite.startTime) / 100) / 10])
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
const lines = rows.map(([path, seconds]) => `  ${JSON.stringify(path)}: ${seconds}`);
writeFileSync('test/durations.json', `{\n${lines.join(',\n')}\n}\n`);
console.log(`test/durations.json: ${rows.length} files, ${rows.reduce((s, r) => s + r[1], 0).toFixed(0)} s in all`);
