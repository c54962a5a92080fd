import { closeSync, openSync, readSync } from 'node:fs';

/** The digest ECR reported in an image push block: the last sha256 seen, even if wrapped. */
export function digestFromPushOutput(output: string): string | undefined {
  const joined = output.replace(/\s*\n\s*/g, '');
  const all = [...joined.matchAll(/sha256:[0-9a-f]{64}/g)];
  return all.at(-1)?.[0];
}

/** Images described by `aws ecr describe-images` JSON output on the bastion. */
export function imagesFromDescribeImages(
  output: string,
): Array<{ repository: string; tag: string; digest: string }> {
  const found: Array<{ repository: string; tag: string; digest: string }> = [];
  try {
    const parsed = JSON.parse(output) as {
      imageDetails?: Array<{ repositoryName?: string; imageDigest?: string; imageTags?: string[] }>;
    };
    for (const detail of parsed.imageDetails ?? []) {
      for (const tag of detail.imageTags ?? []) {
        if (detail.repositoryName && detail.imageDigest)
          found.push({ repository: detail.repositoryName, tag, digest: detail.imageDigest });
      }
    }
  } catch {
    // Not JSON (table or text output): nothing to record.
  }
  return found;
}

/** Reads an attempt's output back (its last 4 MiB at most: digests and JSON are small). */
export function readRange(
  path: string,
  start: number,
  end: number,
  limit = 4 * 1024 * 1024,
): string {
  const from = Math.max(start, end - limit);
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(end - from);
    readSync(fd, buffer, 0, buffer.length, from);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
