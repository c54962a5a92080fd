import type { BundleRecord } from '../../src/model/record.js';

/**
 * A valid bundle record for an archive that is only bytes (upload tests and benchmarks): upload
 * reads the record and the archive's checksum, never what is inside.
 */
export function fakeRecord(archive: {
  id: string;
  file: string;
  sha256: string;
  size: number;
  prefix: string;
}): BundleRecord {
  const s3 = { bucket: 'acme-airgap', prefix: archive.prefix, region: 'us-east-1' };
  const name = archive.id.replace(/-[0-9a-f]{7}$/, '');
  return {
    format: 'airgap-bundle/1',
    id: archive.id,
    name,
    environment: 'dev',
    description: 'an archive of random bytes',
    commit: '1234567890abcdef1234567890abcdef12345678',
    commitTime: '2026-01-01T00:00:00.000Z',
    specPath: `bundles/${name}.yaml`,
    spec: {
      name,
      environment: 'dev',
      description: 'an archive of random bytes',
      files: ['k8s/**'],
      s3,
      verify: [],
      images: [],
      imageSources: {},
      allowSecrets: [],
    },
    files: [],
    units: [],
    images: [],
    missingImages: [],
    s3,
    archive: {
      file: archive.file,
      format: 'tar.gz',
      sha256: archive.sha256,
      size: archive.size,
      key: `${archive.prefix}/${archive.file}`,
    },
  };
}
