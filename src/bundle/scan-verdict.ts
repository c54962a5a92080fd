import { invariantBroken } from '../errors.js';
import type { ContentProblem, ManifestObject } from './manifests.js';

/** What a scan finds in one file: kept in the scan cache and handed between threads. */
export interface CachedScan {
  problems: ContentProblem[];
  images: string[];
  isKubernetes: boolean;
  objects: ManifestObject[];
}

/**
 * How a verdict is written in the scan cache and sent from a scan thread to the main thread.
 * A verdict whose objects hold only kind, apiVersion, name and namespace stores them as `o`:
 * four indexes per object into its own string table `s` (-1: no namespace). Other verdicts
 * are stored as they are. 2,000 files of 120 generated ConfigMaps: 240,000 objects, which
 * structured clone wrote key by key and the main thread then rebuilt, collected, and packed
 * again to save the cache; as one JSON string per file the main thread only copies them.
 */
export type StoredVerdict =
  | CachedScan
  | (Omit<CachedScan, 'objects'> & { s: string[]; o: number[] });

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
  const o: number[] = [];
  // Kind, apiVersion and namespace are nearly always those of the object before: they are
  // looked up only when they change (the lookups were a tenth of the worker's time on
  // generated ConfigMaps).
  let kind = '';
  let kindAt = -1;
  let apiVersion = '';
  let versionAt = -1;
  let namespace: string | undefined;
  let namespaceAt = -1;
  for (const object of verdict.objects) {
    if (kindAt < 0 || object.kind !== kind) {
      kind = object.kind;
      kindAt = index(kind);
    }
    if (versionAt < 0 || object.apiVersion !== apiVersion) {
      apiVersion = object.apiVersion;
      versionAt = index(apiVersion);
    }
    // Names are nearly all distinct: one equal to a kind, apiVersion or namespace seen before
    // shares its entry, the others are appended without filling the map.
    const nameAt = at.get(object.name) ?? s.push(object.name) - 1;
    // Starts undefined at -1, so -1 stands for undefined until a namespace is met.
    if (object.namespace !== namespace) {
      namespace = object.namespace;
      namespaceAt = namespace === undefined ? -1 : index(namespace);
    }
    o.push(kindAt, versionAt, nameAt, namespaceAt);
  }
  return {
    problems: verdict.problems,
    images: verdict.images,
    isKubernetes: verdict.isKubernetes,
    s,
    o,
  };
}

/**
 * The verdict back from its stored form; undefined when it is damaged (the file is rescanned).
 * Plain objects are checked now but built only when read: a warm bundle whose spec lists its
 * steps never reads them (240,000 objects of generated ConfigMaps).
 */
export function unpackVerdict(stored: StoredVerdict): CachedScan | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  if (!('o' in stored)) return Array.isArray(stored.objects) ? stored : undefined;
  const { o, s } = stored;
  if (!readsBack(o, s)) return undefined;
  return lazyVerdict(
    stored,
    () => JSON.stringify(stored),
    () => buildObjects(o, s),
  );
}

/** Whether every index is a number that finds a string (-1 in the fourth: no namespace). */
function readsBack(o: unknown, s: unknown): boolean {
  if (!Array.isArray(o) || !Array.isArray(s) || o.length % 4) return false;
  for (const text of s) if (typeof text !== 'string') return false;
  for (let i = 0; i < o.length; i++) {
    const at = o[i];
    if (typeof at !== 'number' || s[at] === undefined) {
      if (at !== -1 || i % 4 !== 3) return false;
    }
  }
  return true;
}

/** The objects of a stored verdict readsBack has passed. */
function buildObjects(o: readonly number[], strings: readonly string[]): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (let i = 0; i < o.length; i += 4) {
    const kind = strings[o[i]!]!;
    const apiVersion = strings[o[i + 1]!]!;
    const name = strings[o[i + 2]!]!;
    const ns = o[i + 3]!;
    objects.push(
      ns === -1 ? { kind, apiVersion, name } : { kind, apiVersion, name, namespace: strings[ns]! },
    );
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
