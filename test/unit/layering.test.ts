import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The folders of src/ are layers: cli → index (the library entry) → commands → capabilities (bundle, paste, transfer,
 * ingest, docs, repo, secrets) → model → util. An import between two folders is allowed only
 * downwards or sideways without a cycle, and no two files may import each other, directly or
 * through others; this test reads the real import graph.
 */
const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The layer of a path under src/: its top folder, 'index' for the library entry (above the
 * commands), and '.' for the other files at the root such as errors.ts (below everything).
 */
function layerOf(rel: string): string {
  // The library's entries (the commands, and the pure parsers) sit above the capabilities.
  if (/^(index|parsers)\.(ts|js)$/.test(rel)) return 'index';
  return rel.includes('/') ? (rel.split('/')[0] ?? '.') : '.';
}

/**
 * Every file under src/ (relative, `.ts`) and the files it imports: static, type-only,
 * re-exports and dynamic `import()`, since any of them makes the two files change together.
 */
function fileGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(srcDir)) {
    const from = relative(srcDir, file).split('\\').join('/');
    const edges = new Set<string>();
    graph.set(from, edges);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from\s+|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      edges.add(posix.join(posix.dirname(from), match[1] ?? '').replace(/\.js$/, '.ts'));
    }
  }
  return graph;
}

function folderGraph(files: Map<string, Set<string>>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = layerOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const target of targets) {
      const to = layerOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('src/ file imports', () => {
  const files = fileGraph();

  it('reads every import it should (a file it cannot resolve means the regex went stale)', () => {
    const missing = [...files].flatMap(([from, to]) =>
      [...to].filter((target) => !files.has(target)).map((target) => `${from} → ${target}`),
    );
    expect(missing).toEqual([]);
    expect(files.get('ingest/parse/spool.ts')).toContain('ingest/parse/spooler.ts');
  });

  it('keeps every shell-block generator out of ingest: it reads the paste plan from the record', () => {
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const next of files.get(file) ?? []) visit(next);
    };
    visit('commands/ingest/ingest.ts');
    expect(reached.size).toBeGreaterThan(20);
    expect([...reached].filter((f) => f.startsWith('paste/'))).toEqual([]);
    // The check can fail: bundle, which renders the blocks, does reach them.
    reached.clear();
    visit('commands/bundle/bundle.ts');
    expect([...reached]).toContain('paste/bastion.ts');
  });

  it('keeps the parsers entry pure: it reaches no command, transfer or repo code', () => {
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const next of files.get(file) ?? []) visit(next);
    };
    visit('parsers.ts');
    expect(reached.size).toBeGreaterThan(5);
    expect([...reached].filter((f) => /^(commands|transfer|repo|cli)\//.test(f))).toEqual([]);
  });

  it('has no import cycle between two files', () => {
    // A cycle means neither file can be read, tested or moved without the other; the fix is
    // usually to put what both need (types, a small class) in a third file they both import.
    expect(findCycle(files)).toBeUndefined();
  });

  it('finds a file cycle when one is there (the check itself can fail)', () => {
    const withCycle = new Map(files);
    withCycle.set('ingest/parse/spooled.ts', new Set(['ingest/parse/spool.ts']));
    expect(findCycle(withCycle)).toEqual(
      expect.arrayContaining(['ingest/parse/spool.ts', 'ingest/parse/spooled.ts']),
    );
  });
});

describe('src/ folder layering', () => {
  const graph = folderGraph(fileGraph());

  it('has no import cycle between folders', () => {
    expect(findCycle(graph)).toBeUndefined();
  });

  it('finds a cycle when one is there (the check itself can fail)', () => {
    const withCycle = new Map(graph);
    withCycle.set('model', new Set([...(graph.get('model') ?? []), 'commands']));
    expect(findCycle(withCycle)).toBeDefined();
  });

  it('keeps model and util as leaves: they import only util and errors', () => {
    for (const leaf of ['model', 'util']) {
      const imports = [...(graph.get(leaf) ?? [])].filter((to) => to !== 'util' && to !== '.');
      expect(imports, `${leaf} imports ${imports.join(', ')}`).toEqual([]);
    }
  });

  it('lets only cli and the library entry import the command orchestrators', () => {
    for (const [from, edges] of graph) {
      if (from === 'cli' || from === 'index' || from === 'commands') continue;
      expect(
        [...edges].filter((to) => to === 'commands' || to === 'cli'),
        from,
      ).toEqual([]);
    }
  });
});
/** Ingest's stages in the order a transcript passes through them. */
const INGEST_STAGES = ['read', 'clean', 'parse', 'outcome', 'runbook'] as const;

function stageOf(file: string): number | undefined {
  const match = /^ingest\/([^/]+)\//.exec(file);
  if (!match) return undefined;
  const index = (INGEST_STAGES as readonly string[]).indexOf(match[1] ?? '');
  return index < 0 ? undefined : index;
}

/** Imports from a stage to a later one (a stage may use what earlier stages made, not later). */
function backwardStageImports(files: Map<string, Set<string>>): string[] {
  return [...files].flatMap(([from, targets]) => {
    const fromStage = stageOf(from);
    if (fromStage === undefined) return [];
    return [...targets]
      .filter((to) => (stageOf(to) ?? -1) > fromStage)
      .map((to) => `${from} → ${to}`);
  });
}

/** The command a file under commands/ belongs to (its folder), if any. */
function commandOf(file: string): string | undefined {
  return /^commands\/([^/]+)\//.exec(file)?.[1];
}

describe('src/ grouping', () => {
  const files = fileGraph();

  it('puts every ingest file in a stage folder, and no stage imports a later one', () => {
    const loose = [...files.keys()].filter(
      (f) => f.startsWith('ingest/') && stageOf(f) === undefined,
    );
    expect(loose).toEqual([]);
    expect(backwardStageImports(files)).toEqual([]);
  });

  it('finds an import from an earlier stage to a later one (the check itself can fail)', () => {
    const withBackward = new Map(files);
    withBackward.set('ingest/read/lines.ts', new Set(['ingest/runbook/runbook.ts']));
    expect(backwardStageImports(withBackward)).toEqual([
      'ingest/read/lines.ts → ingest/runbook/runbook.ts',
    ]);
  });

  it('gives every command its own folder, and no command imports another one', () => {
    // context.ts is what every command runs in (clock, cwd, stdin, fs, git), shared by all.
    const loose = [...files.keys()].filter(
      (f) => f.startsWith('commands/') && !commandOf(f) && f !== 'commands/context.ts',
    );
    expect(loose).toEqual([]);
    const across = [...files].flatMap(([from, targets]) => {
      const command = commandOf(from);
      return [...targets]
        .filter((to) => command && commandOf(to) && commandOf(to) !== command)
        .map((to) => `${from} → ${to}`);
    });
    expect(across).toEqual([]);
  });

  it('has exactly one folder named scripts in the repo: the tools, not the paste generator', () => {
    expect(files.has('paste/bastion.ts')).toBe(true);
    expect([...files.keys()].filter((f) => f.split('/').includes('scripts'))).toEqual([]);
  });
});
