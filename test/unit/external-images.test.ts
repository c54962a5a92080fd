import { describe, expect, it } from 'vitest';
import {
  ecrReference,
  externalImagesOf,
  externalImageWarnings,
  lineNaming,
  pullsFromOutside,
  unusedMirrors,
} from '../../src/model/external-images.js';
import type { BundleRecord } from '../../src/model/record.js';

const REGISTRY = '111122223333.dkr.ecr.us-east-1.amazonaws.com';

describe('images pulled from outside the air gap', () => {
  it('are those whose registry host is neither the ECR registry nor a mirror', () => {
    const ecr = { registry: REGISTRY };
    expect(pullsFromOutside('quay.io/prometheus-operator/prometheus-operator:v0.93.0', ecr)).toBe(
      true,
    );
    expect(pullsFromOutside('ghcr.io/fluxcd/helm-controller:v1.0.0', ecr)).toBe(true);
    // No host is docker.io, as the container runtime reads it.
    expect(pullsFromOutside('nginx:1.27', ecr)).toBe(true);
    expect(pullsFromOutside(`${REGISTRY}/strimzi/operator:0.45.0`, ecr)).toBe(false);
    const mirrored = { registry: REGISTRY, mirrors: ['quay.io', 'docker.io'] };
    expect(pullsFromOutside('quay.io/strimzi/operator:0.45.0', mirrored)).toBe(false);
    expect(pullsFromOutside('nginx:1.27', mirrored)).toBe(false);
    expect(pullsFromOutside('index.docker.io/library/nginx:1.27', mirrored)).toBe(false);
    expect(pullsFromOutside('ghcr.io/fluxcd/helm-controller:v1.0.0', mirrored)).toBe(true);
  });

  it("name the mirrors no image's registry is, as a typo would be", () => {
    const ecr = { registry: REGISTRY, mirrors: ['quay', 'quay.io', 'docker.io', 'ghcr.io'] };
    const images = ['quay.io/strimzi/operator:0.45.0', 'nginx:1.27'];
    expect(unusedMirrors(ecr, images)).toEqual(['quay', 'ghcr.io']);
    expect(unusedMirrors({ registry: REGISTRY }, images)).toEqual([]);
  });

  it('are rewritten to the repository path the CloudShell image block pushes to', () => {
    expect(ecrReference('quay.io/prometheus-operator/prometheus-operator:v0.93.0', REGISTRY)).toBe(
      `${REGISTRY}/prometheus-operator/prometheus-operator:v0.93.0`,
    );
    expect(ecrReference('busybox:1.36', REGISTRY)).toBe(`${REGISTRY}/library/busybox:1.36`);
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(ecrReference(`ghcr.io/x/y@${digest}`, REGISTRY)).toBe(`${REGISTRY}/x/y@${digest}`);
  });

  it('are found at the first line naming them', () => {
    const text = 'a: 1\nimage: quay.io/x/y:1\nargs: ["--i=quay.io/x/y:1"]\n';
    expect(lineNaming(text, 'quay.io/x/y:1')).toBe(2);
    expect(lineNaming(text, 'quay.io/x/z:1')).toBe(1);
  });

  it('of an older record (none recorded) are its manifest images, not those the spec lists', () => {
    const record = {
      images: ['quay.io/a/b:1', 'quay.io/listed/c:2', `${REGISTRY}/d/e:3`],
      spec: { images: ['quay.io/listed/c:2'], ecr: { registry: REGISTRY, region: 'us-east-1' } },
    } as unknown as BundleRecord;
    expect(externalImagesOf(record)).toEqual([
      { file: '', line: 0, image: 'quay.io/a/b:1', ecrReference: `${REGISTRY}/a/b:1` },
    ]);
    expect(externalImageWarnings(record)).toEqual([
      `quay.io/a/b:1 is pulled from quay.io, outside the air gap: write ${REGISTRY}/a/b:1 instead (push it with the CloudShell image block), or list quay.io in ecr.mirrors if the nodes pull it through a mirror`,
    ]);
    const noEcr = { ...record, spec: { images: [] } } as unknown as BundleRecord;
    expect(externalImagesOf(noEcr)).toEqual([]);
  });
});
