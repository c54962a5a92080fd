import { describe, expect, it } from 'vitest';
import { undefinedGlobals } from '../../scripts/lib/free-globals.js';

describe('undefinedGlobals (the standalone build check)', () => {
  it('finds a CommonJS global read inside a bundled module function', () => {
    const code = 'var a=(e,t)=>{t.exports=function(){return __filename+require("x")}};';
    expect(undefinedGlobals(code)).toEqual(['__filename', 'require']);
  });

  it('ignores declared names, property names, object keys, strings, typeof and imports', () => {
    const code = [
      "import { join as j } from 'node:path';",
      'const require = 1;',
      'function f(__dirname) { return __dirname; }',
      'const o = { __filename: 1, m() {} }; o.__filename;',
      'const s = "__filename";',
      'if (typeof window < "u") {}',
      'process.stdout.write(j(String(require)));',
    ].join('\n');
    expect(undefinedGlobals(code)).toEqual([]);
  });

  it('reads a name missing from the given globals', () => {
    expect(undefinedGlobals('fetch("x")', [])).toEqual(['fetch']);
  });
});
