import { describe, expect, it } from 'vitest';
import { collectImages, scanManifest } from '../../src/bundle/manifests.js';

describe('scanManifest', () => {
  it('collects images from containers, initContainers and Strimzi CRs', () => {
    const scan = scanManifest(
      'a.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      initContainers: [{name: i, image: r/init:1}]\n      containers: [{name: c, image: r/app:2}]\n---\napiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata: {name: k}\nspec: {kafka: {image: r/kafka:3}}\n',
    );
    expect(scan.images).toEqual(['r/app:2', 'r/init:1', 'r/kafka:3']);
    expect(scan.problems).toEqual([]);
  });
  it('flags a Secret in the second document with its line', () => {
    const scan = scanManifest(
      'a.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n',
    );
    expect(scan.problems).toEqual([expect.objectContaining({ line: 5, kind: 'secret' })]);
  });
  it('walks nested lists', () => {
    const found = new Set<string>();
    collectImages({ a: [{ b: { image: 'x:1' } }] }, found);
    expect([...found]).toEqual(['x:1']);
  });
});
