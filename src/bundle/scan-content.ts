import { scanForCredentials } from './credential-files.js';
import { credentialDetector, separatePassDetector } from './credentials.js';
import { lfsPointerProblem } from './lfs.js';
import { scanManifest } from './manifests.js';
import { isYamlPath } from './names.js';
import type { CachedScan } from './scan-cache.js';

/**
 * The verdict on one file's bytes: credentials in its name or text and, for YAML, what
 * Kubernetes needs of each document. `content` is undefined for files too large to scan; for
 * binary ones (a NUL byte) the verdict is the same as for undefined: only the name is checked.
 * Pure and self-contained, so it runs the same on the main thread and in the scan worker.
 * `reference`: every shortcut off (js-yaml alone, one pass per detector part), for the
 * differential tests that hold the shortcuts to it.
 */
export function scanContent(
  path: string,
  content: Uint8Array | undefined,
  options: { reference?: boolean } = {},
): CachedScan {
  const detector = options.reference ? separatePassDetector : credentialDetector;
  const bytes = content && Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const text = bytes && !bytes.includes(0) ? bytes.toString('utf8') : undefined;
  const verdict: CachedScan = {
    problems: [...lfsPointerProblem(path, text), ...scanForCredentials(path, text, detector)],
    images: [],
    isKubernetes: false,
    objects: [],
  };
  if (text !== undefined && isYamlPath(path)) {
    const scan = scanManifest(path, text, { jsYamlOnly: options.reference });
    verdict.problems.push(...scan.problems);
    verdict.images = scan.images;
    verdict.isKubernetes = scan.isKubernetes;
    verdict.objects = scan.objects;
  }
  return verdict;
}
