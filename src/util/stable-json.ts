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
