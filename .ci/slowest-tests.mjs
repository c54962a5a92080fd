// Prints the slowest tests of a vitest JSON report (.ci/run passes .ci/results.json), so a
// test that grew slow shows in every CI log. A unit test over ~2 s belongs in the `slow`
// project (vitest.config.ts), not in `npm run test:fast`.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const [file = '.ci/results.json', count = '15'] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, 'utf8'));
const tests = report.testResults.flatMap((suite) =>
  suite.assertionResults.map((test) => ({
    ms: test.duration ?? 0,
    // Relative to the project (the report sits in .ci/), wherever this runs from.
    file: relative(resolve(dirname(file), '..'), suite.name),
    name: test.fullName,
  })),
);
tests.sort((a, b) => b.ms - a.ms);
// Two lines a test, each within 80 columns: the time and file, then the test's name.
const fit = (text) => (text.length > 78 ? `${text.slice(0, 77)}…` : text);
console.log(`--- the ${count} slowest of ${tests.length} tests`);
for (const test of tests.slice(0, Number(count))) {
  console.log(fit(`${(test.ms / 1000).toFixed(1).padStart(6)} s  ${test.file}`));
  console.log(fit(`          ${test.name}`));
}
