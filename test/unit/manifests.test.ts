import { describe, expect, it } from 'vitest';
import { MAX_ALIAS_EXPANSION } from '../../src/bundle/alias-expansion.js';
import { documentLines, listItemLines } from '../../src/bundle/document-lines.js';
import { collectImages, scanManifest } from '../../src/bundle/manifests.js';

describe('scanManifest: images and Secrets', () => {
  it('collects images from containers, initContainers and Strimzi CRs', () => {
    const scan = scanManifest(
      'a.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      initContainers: [{name: i, image: r/init:1}]\n      containers: [{name: c, image: r/app:2}]\n---\napiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata: {name: k}\nspec: {kafka: {image: r/kafka:3}}\n',
    );
    expect(scan.images).toEqual(['r/app:2', 'r/init:1', 'r/kafka:3']);
    expect(scan.problems).toEqual([]);
  });
  it('collects an image whose key is spelled with a YAML escape, and aliased images', () => {
    const escaped = scanManifest(
      'e.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, "\\x69mage": r/hidden:1}]}\n',
    );
    expect(escaped.images).toEqual(['r/hidden:1']);
    const aliased = scanManifest(
      'a.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx: &c {name: c, image: r/shared:1}\nspec: {containers: [*c]}\n',
    );
    expect(aliased.images).toEqual(['r/shared:1']);
  });
  it('warns about a Secret without data in the second document, with its line', () => {
    const scan = scanManifest(
      'a.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n',
    );
    expect(scan.problems).toEqual([expect.objectContaining({ line: 5, kind: 'warning' })]);
  });
  it('refuses a Secret with a password, at the line of its key', () => {
    const scan = scanManifest(
      'a.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  user: app\n  password: hunter2\n',
    );
    expect(scan.problems).toContainEqual(
      expect.objectContaining({
        line: 10,
        kind: 'secret',
        message: 'Secret s: stringData.password is a password, token or key field',
      }),
    );
  });
  it('walks nested lists', () => {
    const found = new Set<string>();
    collectImages({ a: [{ b: { image: 'x:1' } }] }, found);
    expect([...found]).toEqual(['x:1']);
  });
});

const lines = (text: string) =>
  scanManifest('m.yaml', text).problems.map((p) => `${p.line} ${p.kind}: ${p.message}`);

describe('scanManifest', () => {
  it('points at the first line of each document and of each List item', () => {
    expect(
      lines(
        '# comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: b }\n  - apiVersion: v1\n    kind: SECRET\n    metadata: { name: c }\n',
      ),
    ).toEqual(['13 warning: Secret c ships: it has no data']);
  });

  it('checks List items for what kubectl needs, but not the List itself', () => {
    expect(
      lines(
        'apiVersion: v1\nkind: ConfigMapList\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n',
      ),
    ).toEqual(['4 manifest: Kubernetes item 1 of document 1 lacks metadata.name: add it']);
  });

  it('reports YAML errors with their line, duplicate keys included', () => {
    expect(lines('apiVersion: v1\nkind: ConfigMap\nkind: Secret\n')).toEqual([
      '3 yaml: invalid YAML: duplicated mapping key',
    ]);
  });

  it('keeps merge keys and a few aliases, refuses an expansion over the budget', () => {
    const ok = scanManifest(
      'm.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nx: &base { image: busybox:1 }\ny:\n  <<: *base\n',
    );
    expect(ok.problems).toEqual([]);
    expect(ok.images).toEqual(['busybox:1']);
    const bomb = `a: &a [${Array(100).fill('[x]').join(', ')}]\nb: &b [${Array(11).fill('*a').join(', ')}]\nc: [${Array(11).fill('*b').join(', ')}]\n`;
    expect(
      lines(
        `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\ndata:\n  ${bomb.replaceAll('\n', '\n  ')}`,
      ),
    ).toEqual([
      `1 yaml: document 1 expands its YAML aliases by more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} nodes (an alias bomb); write the values out`,
    ]);
  });
});

describe('documentLines and listItemLines', () => {
  it('treats a --- after comments as the first document, and finds kubectl-style items', () => {
    const text =
      '# header\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: A\n  list:\n  - x\n- apiVersion: v1\n  kind: B\nmetadata: {}\n---\n\nkind: C\n';
    expect(documentLines(text)).toEqual([3, 15]);
    expect(listItemLines(text.split('\n'), 3)).toEqual([6, 10]);
  });
});

describe('a 400-byte alias bomb (nine levels of nine: 387 million nodes)', () => {
  it('is refused by the alias budget (10,000 nodes), not expanded', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const name of 'bcdefghi') {
      const previous = levels.length === 1 ? 'a' : String.fromCharCode(name.charCodeAt(0) - 1);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    // Stopped by the alias budget, not expanded (a hang fails at the test's timeout).
    const scan = scanManifest('bomb.yaml', bomb);
    expect(scan.problems.map((p) => p.kind)).toEqual(['yaml']);
    expect(scan.problems[0]?.message).toContain('more than 10,000 nodes');
  });
});
