/**
 * Variants of a valid document for the differential tests of the zod-free checks
 * (spec-check, record-check): each key deleted, each value replaced by every value of a
 * palette (wrong types, lengths at and past each limit, names S3 refuses, mutating commands),
 * an unknown key and a `__proto__` key added to each object, plus random combinations of
 * several. Seeded, so a failure names a variant that can be made again.
 */
import { seededRandom } from './seeded-random.js';

type Path = ReadonlyArray<string | number>;
type Mutation = { path: Path; kind: 'delete' | 'set' | 'add'; value?: unknown; key?: string };

const long = (n: number) => 'a'.repeat(n);

/** Values that cross each rule of the two schemas somewhere. */
export const PALETTE: readonly unknown[] = [
  null,
  0,
  -1,
  1,
  1.5,
  2 ** 53,
  true,
  '',
  'x',
  'A',
  'ab',
  'abc',
  long(9),
  long(10),
  long(24),
  long(25),
  long(63),
  long(64),
  long(200),
  long(201),
  long(2000),
  long(2001),
  long(4000),
  long(4001),
  'one\ntwo',
  'a\tb',
  'a\rb',
  '-abc',
  'abc-',
  'xn--abc',
  'sthree-x',
  'a..b',
  '1.2.3.4',
  'abc-s3alias',
  'abc.mrap',
  'us-east-1',
  'US-EAST-1',
  'http://h',
  'https://s3.eu-west-1.amazonaws.com:443/p',
  'https://user@h',
  'ftp://h',
  'kubectl apply -f x.yaml',
  'kubectl get pods -n x',
  'kubectl rollout restart deploy/x',
  'kubectl rollout status deploy/x',
  'helm install x y',
  'helm list',
  'f'.repeat(64),
  'F'.repeat(64),
  '0'.repeat(40),
  '0'.repeat(64),
  '0'.repeat(41),
  '100644',
  '10064',
  '2026-11-26T01:25:51.000Z',
  '2026-11-26T01:25:51Z',
  '2026-11-26T01:25:51.5Z',
  '2026-02-30T00:00:00.000Z',
  '2024-02-29T00:00:00.000Z',
  '2026-11-26T01:25:51.000+01:00',
  'airgap-bundle/1',
  'airgap-bundle/2',
  'tar.gz',
  'zip',
  'step',
  'verify-cmd',
  'cloudshell',
  'bastion',
  [],
  [''],
  ['a'],
  [1],
  [{}],
  {},
  { a: 'b' },
  { a: 1 },
  new Date(0),
];

function at(doc: unknown, path: Path): unknown {
  let node = doc;
  for (const step of path) node = (node as Record<string | number, unknown>)[step];
  return node;
}

/** Every path to a value in `doc` (the root's is empty). */
function paths(doc: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(doc)) {
    for (const [i, v] of doc.entries()) out.push(...paths(v, [...prefix, i]));
  } else if (doc && typeof doc === 'object' && !(doc instanceof Date)) {
    for (const [k, v] of Object.entries(doc)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

function clone<T>(doc: T): T {
  return structuredClone(doc);
}

/** A copy of one level: the variants share every part a mutation does not touch. */
function shallow(node: unknown): unknown {
  if (Array.isArray(node)) return [...node];
  // Spread defines own properties, so an own `__proto__` key stays a key.
  if (node && typeof node === 'object' && !(node instanceof Date)) return { ...node };
  return node;
}

/** `doc` with `m` applied; only the objects on m's path are copied, `doc` is left as it was. */
function apply(doc: unknown, m: Mutation): unknown {
  const copy = shallow(doc);
  // The objects along the path are copied, down to the parent (or, for `add`, the target).
  const depth = m.kind === 'add' ? m.path.length : m.path.length - 1;
  let node = copy as Record<string | number, unknown>;
  for (let i = 0; i < depth; i++) {
    const step = m.path[i] as string | number;
    node[step] = shallow(node[step]);
    node = node[step] as Record<string | number, unknown>;
  }
  if (m.kind === 'add') {
    // defineProperty: a plain assignment of `__proto__` would set the prototype instead.
    Object.defineProperty(node, m.key ?? 'zz', {
      value: 'x',
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return copy;
  }
  if (m.path.length === 0) return m.kind === 'set' ? clone(m.value) : copy;
  const last = m.path[m.path.length - 1] as string | number;
  if (m.kind === 'delete') {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = clone(m.value);
  return copy;
}

/** The mutations of the value at `path`. */
function mutationsAt(doc: unknown, path: Path, palette: readonly unknown[]): Mutation[] {
  const out: Mutation[] = [];
  const node = at(doc, path);
  if (path.length) out.push({ path, kind: 'delete' });
  for (const value of palette) out.push({ path, kind: 'set', value });
  if (typeof node === 'string') {
    for (const value of [`${node}\n`, node.toUpperCase(), `${node}-`, `${node}x`]) {
      out.push({ path, kind: 'set', value });
    }
  }
  if (node && typeof node === 'object' && !Array.isArray(node) && !(node instanceof Date)) {
    out.push({ path, kind: 'add', key: 'zz' });
    out.push({ path, kind: 'add', key: '__proto__' });
  }
  if (Array.isArray(node)) {
    for (const value of palette.slice(0, 12)) {
      out.push({ path: [...path, node.length], kind: 'set', value });
    }
  }
  return out;
}

/** The document itself, each single mutation of it, and `combined` random pairs and triples. */
export function variantsOf(
  doc: unknown,
  combined: number,
  palette: readonly unknown[] = PALETTE,
  seed = 28,
): unknown[] {
  const out: unknown[] = [clone(doc)];
  for (const path of paths(doc))
    for (const m of mutationsAt(doc, path, palette)) out.push(apply(doc, m));
  const random = seededRandom(seed);
  for (let i = 0; i < combined; i++) {
    let variant: unknown = doc;
    for (let j = 0, n = 2 + random.int(2); j < n; j++) {
      variant = apply(
        variant,
        random.pick(mutationsAt(variant, random.pick(paths(variant)), palette)),
      );
    }
    out.push(variant);
  }
  return out;
}
