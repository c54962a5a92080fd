/**
 * Stable JSON: sorted object keys, so the same bundle always serialises to the same bytes.
 * Byte for byte what `JSON.stringify(value, sortingReplacer, 2)` wrote (test/unit/stable-json.test.ts
 * compares them), but with V8's own serialiser and no replacer: objects whose keys are already
 * in order are used as they are, the others copied in order first. A 50,000-file record spent a
 * second in the replacer.
 */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sorted(value, ''), null, 2)}\n`;
}

/**
 * One top-level property's value as stableJson writes it inside an object (at depth one), to
 * be written into several documents without serialising it again (stableJsonReusing). The
 * 50,000 files of a bundle go into the archive's bundle.json and into the record: one
 * serialisation instead of two (the files are ~9 MB of JSON), made file by file as each is
 * hashed (renderPropertyItem, propertyFromItems).
 */
export interface RenderedProperty {
  key: string;
  /** The value rendered: stableJsonReusing uses the text only for this very object. */
  value: object;
  text: string;
}

/**
 * Item `index` of an array that is a top-level property, as stableJson writes it there (depth
 * two): an array's items can be rendered one by one as they become final (propertyFromItems).
 */
export function renderPropertyItem(item: unknown, index: number): string {
  const text: string | undefined = JSON.stringify(sorted(item, String(index)), null, 2);
  // In an array JSON writes null for what it leaves out elsewhere (a function, undefined).
  return text === undefined ? 'null' : text.replaceAll('\n', '\n    ');
}

/** The array `value` under `key`, from its items, each rendered by renderPropertyItem. */
export function propertyFromItems(
  key: string,
  value: readonly unknown[],
  items: readonly string[],
): RenderedProperty {
  return { key, value, text: items.length ? `[\n    ${items.join(',\n    ')}\n  ]` : '[]' };
}

/**
 * stableJson(value), byte for byte, taking the text of `value[rendered.key]` from `rendered`
 * when it is the object rendered: the rest is serialised with a marker in its place, and the
 * marker replaced. A marker found anywhere else (a string in the document equal to it) gives
 * up and serialises the whole.
 */
export function stableJsonReusing(value: object, rendered: RenderedProperty | undefined): string {
  const object = value as Record<string, unknown>;
  if (
    !rendered ||
    Array.isArray(value) ||
    typeof object.toJSON === 'function' ||
    object[rendered.key] !== rendered.value
  )
    return stableJson(value);
  const marker = `\u0000stable-json reused ${rendered.key}`;
  const quoted = JSON.stringify(marker);
  const rest = stableJson({ ...object, [rendered.key]: marker });
  const at = rest.indexOf(quoted);
  if (at < 0 || rest.lastIndexOf(quoted) !== at) return stableJson(value);
  return `${rest.slice(0, at)}${rendered.text}${rest.slice(at + quoted.length)}`;
}

/** An array index: such keys come first, in numeric order, in any object JSON.stringify sees. */
function isIndexKey(key: string): boolean {
  const first = key.charCodeAt(0);
  if (!(first >= 48 && first <= 57)) return false; // most keys: no regex
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;
}

/** The order of an object built from keys sorted by code unit, as the replacer built them. */
function keyOrder(a: string, b: string): number {
  const aIndex = isIndexKey(a);
  const bIndex = isIndexKey(b);
  if (aIndex || bIndex) return aIndex && bIndex ? Number(a) - Number(b) : aIndex ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `value` with every object's keys in order; the same object where nothing had to move. */
function sorted(input: unknown, key: string): unknown {
  if (input === null || typeof input !== 'object') return input;
  // toJSON first, as JSON.stringify calls it before a replacer sees the value.
  const toJSON = (input as { toJSON?: unknown }).toJSON;
  const value: unknown = typeof toJSON === 'function' ? toJSON.call(input, key) : input;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const original: unknown = value[i];
      // A primitive is itself: no index string made for it (150,000 of a 50,000-file hash).
      const item =
        original !== null && typeof original === 'object' ? sorted(original, String(i)) : original;
      if (item !== original) copy ??= value.slice();
      if (copy) copy[i] = item;
    }
    return copy ?? value;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  let moved = value !== input;
  for (let i = 1; i < keys.length && !moved; i++) moved = keyOrder(keys[i - 1]!, keys[i]!) > 0;
  const names = moved ? keys.sort(keyOrder) : keys;
  // Built only once something moved: an object already in order (each file of a record) makes
  // no list of pairs to throw away.
  let entries: Array<[string, unknown]> | undefined = moved ? [] : undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const original = object[name];
    const item =
      original !== null && typeof original === 'object' ? sorted(original, name) : original;
    if (!entries && item !== original) {
      entries = [];
      for (let j = 0; j < i; j++) entries.push([names[j]!, object[names[j]!]]);
    }
    entries?.push([name, item]);
  }
  return entries ? Object.fromEntries(entries) : value;
}
