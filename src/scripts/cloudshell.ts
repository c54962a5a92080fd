import { isEcrRegistry, parseImageRef } from '../model/images.js';
import type { BundleRecord, Unit } from '../model/record.js';
import { shellQuote } from '../util/shell-quote.js';
import type { PasteBlock } from './bastion.js';

export interface ImagePush {
  n: number;
  /** Where CloudShell pulls from (the internet). */
  source: string;
  registry: string;
  repository: string;
  tag: string;
}

/**
 * Images to push from CloudShell: those the bundle needs that docs/ecr-manifest.md did not
 * show for the environment. An ECR reference is pulled from `imageSources` or Docker Hub;
 * any other reference is mirrored into the spec's ECR registry under the same path.
 */
export function imagePushes(record: BundleRecord): ImagePush[] {
  const registry = record.spec.ecr?.registry;
  return record.missingImages.flatMap((image, index) => {
    const ref = parseImageRef(image);
    const target = isEcrRegistry(ref.registry) ? ref.registry : registry;
    if (!target || !ref.tag) return [];
    const upstream = record.spec.imageSources?.[ref.repository];
    const source = isEcrRegistry(ref.registry) ? `${upstream ?? ref.repository}:${ref.tag}` : image;
    return [{ n: index + 2, source, registry: target, repository: ref.repository, tag: ref.tag }];
  });
}

function uploadFallback(record: BundleRecord): string {
  const archive = record.archive!;
  const s3 = [
    '--region',
    shellQuote(record.s3.region),
    ...(record.s3.endpoint ? ['--endpoint-url', shellQuote(record.s3.endpoint)] : []),
  ].join(' ');
  const url = `s3://${record.s3.bucket}/${archive.key}`;
  return `AIRGAP_ID=${shellQuote(record.id)}
printf '@@airgap/1 begin %s 1 upload %s\\n' "$AIRGAP_ID" "$(date -u +%s)"
(
  cd ${shellQuote(record.id)} || exit 1
  printf '%s  %s\\n' ${archive.sha256} ${shellQuote(archive.file)} | sha256sum -c - || exit 1
  aws s3 cp ${s3} --metadata sha256=${archive.sha256} ${shellQuote(archive.file)} ${shellQuote(url)} || exit 1
  aws s3 cp ${s3} ${shellQuote(`${archive.file}.sha256`)} ${shellQuote(`${url}.sha256`)} || exit 1
  aws s3api head-object ${s3} --bucket ${shellQuote(record.s3.bucket)} --key ${shellQuote(archive.key)} --query 'Metadata.sha256' --output text
) 2>&1
printf '@@airgap/1 end %s 1 upload rc=%s %s\\n' "$AIRGAP_ID" "$?" "$(date -u +%s)"`;
}

function imageBlock(record: BundleRecord, push: ImagePush): string {
  const region = record.spec.ecr?.region ?? record.s3.region;
  const target = `${push.registry}/${push.repository}:${push.tag}`;
  return `airgap_image ${push.n} ${shellQuote(push.source)} ${shellQuote(push.registry)} ${shellQuote(push.repository)} ${shellQuote(push.tag)} ${shellQuote(region)} # -> ${target.replace(/\n/g, ' ')}`;
}

const imageHelper = `airgap_image() {
  # $1 unit, $2 source image, $3 ECR registry, $4 repository, $5 tag, $6 region
  printf '@@airgap/1 begin %s %s image %s\\n' "$AIRGAP_ID" "$1" "$(date -u +%s)"
  printf '[%s %s] $ push %s to %s/%s:%s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(hostname)" "$2" "$3" "$4" "$5"
  (
    aws ecr get-login-password --region "$6" | docker login --username AWS --password-stdin "$3" >/dev/null || exit 1
    aws ecr describe-repositories --region "$6" --repository-names "$4" >/dev/null 2>&1 ||
      aws ecr create-repository --region "$6" --repository-name "$4" >/dev/null || exit 1
    docker pull "$2" && docker tag "$2" "$3/$4:$5" && docker push "$3/$4:$5" || exit 1
    printf 'repository=%s tag=%s\\n' "$4" "$5"
    aws ecr describe-images --region "$6" --repository-name "$4" --image-ids imageTag="$5" \\
      --query 'imageDetails[0].imageDigest' --output text
  ) 2>&1
  printf '@@airgap/1 end %s %s image rc=%s %s\\n' "$AIRGAP_ID" "$1" "$?" "$(date -u +%s)"
}`;

export function cloudshellBlocks(record: BundleRecord): PasteBlock[] {
  const archive = record.archive!;
  const pushes = imagePushes(record);
  const blocks: PasteBlock[] = [
    {
      title: 'Upload the bundle with airgap (preferred)',
      purpose: `From the folder holding \`${record.id}/\` (uploaded through CloudShell's Actions > Upload file), with the airgap package available: checks the archive against its sidecar, uploads it, confirms it in S3.`,
      success: `\`uploaded s3://${record.s3.bucket}/${archive.key}\` or \`already uploaded\``,
      code: `npx --no-install airgap upload ${shellQuote(record.id)}`,
    },
    {
      title: 'Upload without airgap (fallback)',
      purpose:
        'The same with the aws CLI alone: checks the sha256, uploads archive and sidecar, prints the stored checksum.',
      success: `\`${archive.file}: OK\`, two \`upload:\` lines, then \`${archive.sha256}\``,
      code: uploadFallback(record),
    },
  ];
  if (pushes.length) {
    blocks.push({
      title: `Push ${pushes.length} image(s) missing from ECR`,
      purpose:
        'Logs in to ECR, creates each repository if missing, pulls, tags and pushes, then prints the digest ECR recorded. Copy this output into a file for `airgap ingest` so docs/ecr-manifest.md records them.',
      success: 'each end marker says `rc=0` after a `sha256:` digest line',
      code: [
        `AIRGAP_ID=${shellQuote(record.id)}`,
        imageHelper,
        ...pushes.map((p) => imageBlock(record, p)),
      ].join('\n'),
    });
  }
  return blocks;
}

export function cloudshellScript(record: BundleRecord): string {
  const blocks = cloudshellBlocks(record);
  // The script form uses the fallback upload (no dependency on airgap in CloudShell).
  const chosen = blocks.filter((_, i) => i !== 0);
  return [
    '#!/usr/bin/env bash',
    `# airgap bundle ${record.id}: CloudShell part. Run from the folder holding ${record.id}/.`,
    ...chosen.map((b) => `\n# --- ${b.title}\n${b.code}`),
    '',
  ].join('\n');
}

/** The CloudShell units as ingest numbers them: the upload is 1, image pushes follow. */
export function cloudshellUnits(record: BundleRecord): Unit[] {
  return [
    { n: 1, kind: 'upload', name: 'Upload the bundle to S3' },
    ...imagePushes(record).map((p) => ({
      n: p.n,
      kind: 'image' as const,
      name: `Push ${p.repository}:${p.tag} to ECR`,
      command: `push ${p.source} to ${p.registry}/${p.repository}:${p.tag}`,
    })),
  ];
}
