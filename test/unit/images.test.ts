import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../../src/model/images.js';

describe('parseImageRef', () => {
  it.each([
    [
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/strimzi/kafka:0.45.0',
      '111122223333.dkr.ecr.us-east-1.amazonaws.com',
      'strimzi/kafka',
      '0.45.0',
    ],
    ['busybox', 'docker.io', 'library/busybox', 'latest'],
    ['localhost:5000/app:1', 'localhost:5000', 'app', '1'],
    ['quay.io/strimzi/operator@sha256:abc', 'quay.io', 'strimzi/operator', ''],
  ])('%s', (ref, registry, repository, tag) => {
    expect(parseImageRef(ref)).toMatchObject({ registry, repository, tag });
  });
});
