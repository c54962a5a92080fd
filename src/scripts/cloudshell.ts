import { type ImagePlan, imagePlan } from '../model/image-plan.js';
import type { BundleRecord } from '../model/record.js';
import type { PasteBlock } from './bastion.js';
import { inlineCode } from './fence.js';
import { joinSh, raw, type ShellCode, sh } from './sh.js';

/**
 * CloudShell as it is: "Actions > Upload file" puts one file at a time into the home
 * directory, which holds 1 GB; the aws CLI v2 and Node are there; the shell is bash or zsh.
 * Every block here finds the archive in the current directory or in ~, and runs unchanged
 * in bash and zsh (and dash), with `set -e` or `set -C` in the operator's shell.
 */

export type { ImagePlan, ImagePush } from '../model/image-plan.js';
export { imagePlan, imagePushes } from '../model/image-plan.js';

/** Warnings for `airgap bundle`: what will not work from CloudShell as the bundle stands. */
export function cloudshellWarnings(record: BundleRecord): string[] {
  return imagePlan(record).unpushable.map((u) => `${u.image}: ${u.reason}`);
}

/** The marker lines and the nonce every CloudShell block prints; `${n}` is its unit. */
function markedUnit(record: BundleRecord, n: number, context: string, body: ShellCode): ShellCode {
  return sh`AIRGAP_ID=${record.id}
AIRGAP_NONCE=$(od -An -N4 -tx1 /dev/urandom 2>/dev/null | tr -d ' \\n')
printf '@@airgap/1 begin %s %s upload %s%s\\n' "$AIRGAP_ID" ${n} "$(date -u +%s)" "\${AIRGAP_NONCE:+ s=$AIRGAP_NONCE}"
printf '[%s %s] $ %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(hostname 2>/dev/null || uname -n)" ${context}
if (
${body}
) 2>&1; then airgap_rc=0; else airgap_rc=$?; fi
printf '@@airgap/1 end %s %s upload rc=%s %s%s\\n' "$AIRGAP_ID" ${n} "$airgap_rc" "$(date -u +%s)" "\${AIRGAP_NONCE:+ s=$AIRGAP_NONCE}"`;
}

/** Sets airgap_dir to where the archive is (here or ~); the body refuses when it is nowhere. */
function findArchive(file: string): ShellCode {
  return sh`airgap_file=${file}
if [ -f "./$airgap_file" ]; then airgap_dir=$PWD; elif [ -f "$HOME/$airgap_file" ]; then airgap_dir=$HOME; else airgap_dir=; fi`;
}

const archiveMissing = raw(`  if [ -z "$airgap_dir" ]; then
    printf 'airgap: %s is neither in %s nor in %s: upload it with Actions > Upload file\\n' "$airgap_file" "$PWD" "$HOME"
    exit 1
  fi`);

function s3Args(record: BundleRecord): string[] {
  return [
    '--region',
    record.s3.region,
    ...(record.s3.endpoint ? ['--endpoint-url', record.s3.endpoint] : []),
  ];
}

function airgapUpload(record: BundleRecord): ShellCode {
  const archive = record.archive!;
  const body = sh`${archiveMissing}
  if [ -f ./airgap.mjs ]; then airgap_mjs=./airgap.mjs; else airgap_mjs="$HOME/airgap.mjs"; fi
  if [ ! -f "$airgap_mjs" ]; then
    printf 'airgap: airgap.mjs is neither here nor in %s: upload it, or paste the next block\\n' "$HOME"
    exit 1
  fi
  node "$airgap_mjs" upload "$airgap_dir/$airgap_file" --sha256 ${archive.sha256}`;
  return joinSh([
    findArchive(archive.file),
    markedUnit(
      record,
      1,
      `node airgap.mjs upload ${archive.file} --sha256 ${archive.sha256}`,
      body,
    ),
  ]);
}

function awsUpload(record: BundleRecord): ShellCode {
  const archive = record.archive!;
  const url = `s3://${record.s3.bucket}/${archive.key}`;
  const s3 = s3Args(record);
  const body = sh`${archiveMissing}
  airgap_path="$airgap_dir/$airgap_file"
  airgap_sum=$(sha256sum "$airgap_path") || exit 1
  if [ "\${airgap_sum%% *}" != ${archive.sha256} ]; then
    printf 'airgap: CHECKSUM MISMATCH: %s is not the archive airgap built\\n' "$airgap_path"
    exit 1
  fi
  printf '%s: OK\\n' "$airgap_file"
  printf '%s  %s\\n' ${archive.sha256} "$airgap_file" >| "$airgap_path.sha256" || exit 1
  aws s3 cp ${s3} --metadata ${`sha256=${archive.sha256}`} "$airgap_path" ${url} || exit 1
  aws s3 cp ${s3} "$airgap_path.sha256" ${`${url}.sha256`} || exit 1
  airgap_stored=$(aws s3api head-object ${s3} --bucket ${record.s3.bucket} --key ${archive.key} --query Metadata.sha256 --output text) || exit 1
  printf '%s\\n' "$airgap_stored"
  if [ "$airgap_stored" != ${archive.sha256} ]; then
    printf 'airgap: S3 holds sha256 %s, not the one above\\n' "$airgap_stored"
    exit 1
  fi`;
  return joinSh([
    findArchive(archive.file),
    markedUnit(record, 1, `aws s3 cp ${archive.file} ${url}`, body),
  ]);
}

const imageHelper = raw(`airgap_image() {
  printf '@@airgap/1 begin %s %s image %s%s\\n' "$AIRGAP_ID" "$1" "$(date -u +%s)" "\${AIRGAP_NONCE:+ s=$AIRGAP_NONCE}"
  printf '[%s %s] $ push %s to %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(hostname 2>/dev/null || uname -n)" "$2" "\${3}/\${4}:\${5}"
  if (
    aws ecr get-login-password --region "$6" | docker login --username AWS --password-stdin "$3" >/dev/null || exit 1
    aws ecr describe-repositories --region "$6" --repository-names "$4" >/dev/null 2>&1 ||
      aws ecr create-repository --region "$6" --repository-name "$4" >/dev/null || exit 1
    docker pull "$2" && docker tag "$2" "\${3}/\${4}:\${5}" && docker push "\${3}/\${4}:\${5}" || exit 1
    printf 'repository=%s tag=%s\\n' "$4" "$5"
    aws ecr describe-images --region "$6" --repository-name "$4" --image-ids "imageTag=\${5}" \\
      --query 'imageDetails[0].imageDigest' --output text
  ) 2>&1; then airgap_rc=0; else airgap_rc=$?; fi
  printf '@@airgap/1 end %s %s image rc=%s %s%s\\n' "$AIRGAP_ID" "$1" "$airgap_rc" "$(date -u +%s)" "\${AIRGAP_NONCE:+ s=$AIRGAP_NONCE}"
}`);

function imageBlock(record: BundleRecord, plan: ImagePlan): ShellCode {
  const region = record.spec.ecr?.region ?? record.s3.region;
  return joinSh([
    sh`AIRGAP_ID=${record.id}`,
    raw(`AIRGAP_NONCE=$(od -An -N4 -tx1 /dev/urandom 2>/dev/null | tr -d ' \\n')`),
    imageHelper,
    ...plan.unpushable.map(
      (u) => sh`printf 'airgap: not pushed: %s\\n' ${`${u.image}: ${u.reason}`}`,
    ),
    ...plan.pushes.map(
      (p) => sh`airgap_image ${p.n} ${p.source} ${p.registry} ${p.repository} ${p.tag} ${region}`,
    ),
  ]);
}

const inline = inlineCode;

export function cloudshellBlocks(record: BundleRecord): PasteBlock[] {
  const archive = record.archive!;
  const plan = imagePlan(record);
  const blocks: PasteBlock[] = [
    {
      title: 'Upload the bundle with airgap (preferred)',
      purpose: `Needs \`${archive.file}\` and \`airgap.mjs\` (the standalone airgap, \`dist/airgap.mjs\` of the installation) uploaded through Actions > Upload file. Finds them here or in ~, checks the archive against the sha256 in this block, uploads it with its sidecar and confirms both in S3.`,
      success: `\`uploaded s3://${record.s3.bucket}/${archive.key}\` or \`already uploaded\`, and \`rc=0\``,
      code: airgapUpload(record).text,
      units: [1],
    },
    {
      title: 'Upload without airgap (fallback)',
      purpose: `Needs only \`${archive.file}\` uploaded through Actions > Upload file. The same with the aws CLI alone: finds the archive here or in ~, checks the sha256 in this block, writes the sidecar beside it, uploads both and prints the checksum S3 stored.`,
      success: `\`${archive.file}: OK\`, two \`upload:\` lines, then \`${archive.sha256}\` and \`rc=0\``,
      code: awsUpload(record).text,
      units: [1],
    },
  ];
  const left = plan.unpushable.length
    ? ` Not in this block (${plan.unpushable.map((u) => `${inline(u.image)}: ${u.reason}`).join('; ')}).`
    : '';
  if (plan.pushes.length) {
    blocks.push({
      title: `Push ${plan.pushes.length} image(s) missing from ECR`,
      purpose: `Logs in to ECR, creates each repository if missing, pulls, tags and pushes, then prints the digest ECR recorded: ${plan.pushes.map((p) => `${inline(p.source)} to ${inline(`${p.registry}/${p.repository}:${p.tag}`)}`).join(', ')}. Copy this output into a file for \`airgap ingest\` so docs/ecr-manifest.md records them.${left}`,
      success: 'each end marker says `rc=0` after a `sha256:` digest line',
      code: imageBlock(record, plan).text,
      units: plan.pushes.map((p) => p.n),
    });
  }
  return blocks;
}

/** Images left out of every block, for PASTE.md's CloudShell section. */
export function unpushableNote(record: BundleRecord): string[] {
  const { pushes, unpushable } = imagePlan(record);
  if (!unpushable.length || pushes.length) return [];
  return [
    `Images CloudShell cannot push: ${unpushable.map((u) => `${inline(u.image)} (${u.reason})`).join(', ')}.`,
    '',
  ];
}

/** cloudshell.sh: the blocks given (the record's plan, from render.ts) but the first. */
export function cloudshellScript(
  record: BundleRecord,
  blocks: ReadonlyArray<{ title: string; code: string }> = cloudshellBlocks(record),
): string {
  // The script form uses the fallback upload (no dependency on airgap in CloudShell).
  const chosen = blocks.filter((_, i) => i !== 0);
  return [
    '#!/usr/bin/env bash',
    `# airgap CloudShell part. Run from ~ or the folder holding the archive.`,
    ...chosen.map((b) => `\n# --- ${b.title.replace(/\n/g, ' ')}\n${b.code}`),
    '',
  ].join('\n');
}

export { cloudshellUnits } from '../model/image-plan.js';
