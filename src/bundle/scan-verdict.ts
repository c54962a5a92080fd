import { invariantBroken } from '../errors.js';
import type { ManifestObject } from './manifest-objects.js';
import type { ContentProblem } from './manifests.js';

/** What a scan finds in one file: kept in the scan cache and handed between threads. */
export interface CachedScan {
  problems: ContentProblem[];
  images: string[];
  isKubernetes: boolean;
  objects: ManifestObject[];
}

/**
 * How a verdict is written in the scan cache and sent from a scan thread to the main thread.
 * A verdict whose objects hold only kind, apiVersion, name and namespace stores them in runs:
 * `r` holds four numbers per run of objects that share a kind, an apiVersion and a namespace
 * (indexes into the string table `s`, -1 for no namespace, then how many objects), and `n`
 * their names in order, joined by newlines (a name holding one is not stored so). Other
 * verdicts are stored as they are. 2,000 files of 120 generated ConfigMaps: 240,000 objects,
 * which as objects structured clone wrote key by key and the main thread rebuilt; as four
 * indexes each, JSON.parse of the warm cache read 960,000 numbers and 240,000 strings. In
 * runs the cache parses in a fifth of the time, and the scan thread no longer looks names up.
 */
export type StoredVerdict =
  | CachedScan
  | (Omit<CachedScan, 'objects'> & { s: string[]; r: number[]; n: string });

/** What a scan thread sends for one file: all but the objects, and the verdict as JSON. */
export interface SentVerdict extends Omit<CachedScan, 'objects'> {
  index: number;
  /** The whole verdict as a StoredVerdict's JSON, objects included. */
  stored: string;
}

function packable(object: ManifestObject): boolean {
  // Its own keys counted, not enumerated: 240,000 objects of four keys each.
  return (
    typeof object.kind === 'string' &&
    typeof object.apiVersion === 'string' &&
    typeof object.name === 'string' &&
    !object.name.includes('\n') &&
    (object.namespace === undefined || typeof object.namespace === 'string') &&
    Object.keys(object).length === ('namespace' in object ? 4 : 3)
  );
}

export function packVerdict(verdict: CachedScan): StoredVerdict {
  if (!verdict.objects.length || !verdict.objects.every(packable)) return verdict;
  const s: string[] = [];
  const at = new Map<string, number>();
  const index = (text: string) => {
    let i = at.get(text);
    if (i === undefined) {
      i = s.push(text) - 1;
      at.set(text, i);
    }
    return i;
  };
  const r: number[] = [];
  const names: string[] = [];
  // Where the count of the current run is; -1 before the first object.
  let count = -1;
  let kind = '';
  let apiVersion = '';
  let namespace: string | undefined;
  for (const object of verdict.objects) {
    if (
      count < 0 ||
      object.kind !== kind ||
      object.apiVersion !== apiVersion ||
      object.namespace !== namespace
    ) {
      ({ kind, apiVersion, namespace } = object);
      r.push(index(kind), index(apiVersion), namespace === undefined ? -1 : index(namespace), 0);
      count = r.length - 1;
    }
    r[count]!++;
    names.push(object.name);
  }
  return {
    problems: verdict.problems,
    images: verdict.images,
    isKubernetes: verdict.isKubernetes,
    s,
    r,
    n: names.join('\n'),
  };
}

/**
 * The verdict back from its stored form; undefined when it is damaged (the file is rescanned).
 * Plain objects are checked now but built only when read: a warm bundle whose spec lists its
 * steps never reads them (240,000 objects of generated ConfigMaps).
 */
export function unpackVerdict(stored: StoredVerdict): CachedScan | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  if (!('r' in stored)) return Array.isArray(stored.objects) ? stored : undefined;
  const { r, s, n } = stored;
  if (!readsBack(r, s, n)) return undefined;
  return lazyVerdict(
    stored,
    () => JSON.stringify(stored),
    () => buildObjects(r, s, n),
  );
}

/**
 * Whether every run finds its strings (-1 for the namespace: none) and counts at least one
 * object, and the names are as many as the runs count.
 */
function readsBack(r: unknown, s: unknown, n: unknown): boolean {
  if (!Array.isArray(r) || !Array.isArray(s) || typeof n !== 'string') return false;
  if (r.length % 4) return false;
  for (const text of s) if (typeof text !== 'string') return false;
  const finds = (at: unknown) => typeof at === 'number' && s[at] !== undefined;
  let objects = 0;
  for (let i = 0; i < r.length; i += 4) {
    const count = r[i + 3];
    if (!finds(r[i]) || !finds(r[i + 1]) || !(r[i + 2] === -1 || finds(r[i + 2]))) return false;
    if (!Number.isInteger(count) || (count as number) < 1) return false;
    objects += count as number;
  }
  let names = 1;
  for (let at = n.indexOf('\n'); at >= 0; at = n.indexOf('\n', at + 1)) names++;
  return names === objects;
}

/** The objects of a stored verdict readsBack has passed. */
function buildObjects(
  r: readonly number[],
  strings: readonly string[],
  n: string,
): ManifestObject[] {
  const names = n.split('\n');
  const objects: ManifestObject[] = [];
  for (let i = 0; i < r.length; i += 4) {
    const kind = strings[r[i]!]!;
    const apiVersion = strings[r[i + 1]!]!;
    const ns = r[i + 2]!;
    const namespace = ns === -1 ? undefined : strings[ns]!;
    for (let k = 0; k < r[i + 3]!; k++) {
      const name = names[objects.length]!;
      objects.push(
        namespace === undefined
          ? { kind, apiVersion, name }
          : { kind, apiVersion, name, namespace },
      );
    }
  }
  return objects;
}

/**
 * How to write each verdict that came stored (from a scan thread or the cache file), so the
 * next save neither builds nor packs its objects again.
 */
const storedForm = new WeakMap<CachedScan, () => string>();

export function storedJson(verdict: CachedScan): string {
  return storedForm.get(verdict)?.() ?? JSON.stringify(packVerdict(verdict));
}

/** A verdict whose objects are built on first read; setting them forgets the stored form. */
function lazyVerdict(
  summary: Omit<CachedScan, 'objects'>,
  json: () => string,
  build: () => ManifestObject[],
): CachedScan {
  const { problems, images, isKubernetes } = summary;
  let objects: ManifestObject[] | undefined;
  const verdict: CachedScan = {
    problems,
    images,
    isKubernetes,
    get objects(): ManifestObject[] {
      objects ??= build();
      return objects;
    },
    set objects(value: ManifestObject[]) {
      objects = value;
      storedForm.delete(verdict);
    },
  };
  storedForm.set(verdict, json);
  return verdict;
}

/** In a scan thread: the verdict as the main thread receives it. */
export function sendVerdict(index: number, verdict: CachedScan): SentVerdict {
  const { problems, images, isKubernetes } = verdict;
  return { index, problems, images, isKubernetes, stored: JSON.stringify(packVerdict(verdict)) };
}

/**
 * On the main thread: the verdict a scan thread sent. Its objects are parsed from `stored`
 * only when read, which a bundle whose spec lists its steps never does.
 */
export function receiveVerdict(sent: SentVerdict): CachedScan {
  const { stored } = sent;
  return lazyVerdict(
    sent,
    () => stored,
    () => {
      let parsed: CachedScan | undefined;
      try {
        parsed = unpackVerdict(JSON.parse(stored) as StoredVerdict);
      } catch {
        parsed = undefined;
      }
      if (!parsed) throw invariantBroken('a scan thread sent a verdict that does not read back');
      return parsed.objects;
    },
  );
}
