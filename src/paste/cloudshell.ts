import { type ImagePlan, imagePlan } from '../model/image-plan.js';
import { markerPrintf } from '../model/markers.js';
import type { BundleRecord } from '../model/record.js';
import { echoRows, MAX_BLOCK_ROWS, type PasteBlock } from './bastion.js';
import { inlineCode } from './fence.js';
import { joinSh, raw, type ShellCode, sh } from './sh.js';

/**
 * CloudShell as it is: "Actions > Upload file" puts one file at a time into the home
 * directory, which holds 1 GB; the aws CLI v2 and Node are there; the shell is bash or zsh.
 * Every block here finds the archive in the current directory or in ~, and runs unchanged
 * in bash and zsh (and dash), with `set -e` or `set -C` in the operator's shell.
 */

export type { ImagePlan, ImagePush } from '../model/image-plan.js';
export { cloudshellWarnings, imagePlan, imagePushes } from '../model/image-plan.js';

/**
 * The shell functions the other blocks call, so that each block's echo fits an 80x24
 * terminal (bash and zsh redraw a taller bracketed paste garbled). They are defined in the
 * operator's own shell (bash or zsh, `set -e`/`set -C` allowed) and exit only the subshell
 * of a unit. airgap_unit prints the markers around one unit; airgap_find and airgap_why
 * turn the usual failures into one `airgap:` line naming the cause: a missing or cut-short
 * upload (with the free space of ~ when it is full, which is what cuts uploads short) and
 * missing credentials (asked of STS only after an aws command failed, so that endpoints
 * without STS, such as a local S3, work).
 */
const helperFunctions = [
  raw(`airgap_unit() {
  airgap_n="$AIRGAP_ID $1 $2"; airgap_s=\${AIRGAP_NONCE:+ s=$AIRGAP_NONCE}
  ${markerPrintf('begin', { unit: '"$airgap_n"', nonce: '"$airgap_s"' })}
  printf '[%s %s] $ %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(uname -n)" "$3"
  shift 3; if ( "$@" ) 2>&1; then airgap_rc=0; else airgap_rc=$?; fi
  ${markerPrintf('end', { unit: '"$airgap_n"', status: { rc: '"$airgap_rc"' }, nonce: '"$airgap_s"', wrapBeforeEpoch: '    ' })}
}`),
  raw(`airgap_find() {
  airgap_path=$PWD/$1; [ -f "$airgap_path" ] || airgap_path=~/$1
  if [ ! -f "$airgap_path" ]; then airgap_m="missing file: $1 is in neither $PWD nor ~"
  elif [ -z "\${2:-}" ]; then return; else airgap_m=$(sha256sum "$airgap_path") || exit 1
    [ "\${airgap_m%% *}" = "$2" ] && return
    airgap_m="CHECKSUM MISMATCH: $airgap_path is not the archive airgap built"; fi
  df -Pk ~ | awk -v m="$airgap_m" '{ f = $4; d = $6 } END { if (f < 1024)
    m = "no space left on " d " (" f " KiB free): " m; print "airgap: " m }'; exit 1
}`),
  raw(`airgap_why() { aws sts get-caller-identity >/dev/null 2>&1 && set -- "$1 failed" ||
  set -- 'no AWS credentials (aws sts get-caller-identity fails)'
  printf 'airgap: %s\\n' "$1"; exit 1; }`),
];

/** The helper blocks: the nonce and the functions, in as few blocks as fit the screen. */
function helperCodes(record: BundleRecord, pushes: boolean): string[] {
  const head = joinSh([
    sh`AIRGAP_ID=${record.id}`,
    raw(`AIRGAP_NONCE=$(od -An -N4 -tx1 /dev/urandom 2>/dev/null | tr -d ' \\n')`),
  ]);
  const blocks: ShellCode[][] = [[head]];
  for (const fn of pushes ? [...helperFunctions, imageHelper()] : helperFunctions) {
    const last = blocks[blocks.length - 1]!;
    if (echoRows(joinSh([...last, fn]).text) <= MAX_BLOCK_ROWS) last.push(fn);
    else blocks.push([fn]);
  }
  return blocks.map((b) => joinSh(b).text);
}

function s3Args(record: BundleRecord): string[] {
  return [
    '--region',
    record.s3.region,
    ...(record.s3.endpoint ? ['--endpoint-url', record.s3.endpoint] : []),
  ];
}

function airgapUpload(record: BundleRecord): ShellCode {
  const archive = record.archive;
  return sh`airgap_mjs_upload() {
  airgap_find airgap.mjs; airgap_mjs=$airgap_path; airgap_find "$airgap_file"
  node "$airgap_mjs" upload "$airgap_path" --sha256 "$airgap_sha"
}
airgap_file=${archive.file}
airgap_sha=${archive.sha256}
airgap_unit 1 upload "node airgap.mjs upload $airgap_file --sha256 $airgap_sha" \\
  airgap_mjs_upload`;
}

function awsUpload(record: BundleRecord): ShellCode {
  const archive = record.archive;
  const url = `s3://${record.s3.bucket}/${archive.key}`;
  // The S3 options travel as the function's arguments: zsh would not split one variable.
  // The sidecar goes from stdin: nothing is written in ~, which may be full. The echoed
  // command is built from the variables, to keep the block short; ingest reads the record.
  return sh`airgap_s3_upload() {
  airgap_find "$airgap_file" "$airgap_sha"; printf '%s: OK\\n' "$airgap_file"
  aws s3 cp "$@" --metadata "sha256=$airgap_sha" "$airgap_path" "$airgap_url" ||
    airgap_why 'aws s3 cp'
  printf '%s  %s\\n' "$airgap_sha" "$airgap_file" |
    aws s3 cp "$@" - "$airgap_url.sha256" || airgap_why 'aws s3 cp'
  airgap_s=$(aws s3api head-object "$@" --bucket "$airgap_bucket" --key "$airgap_object" \\
    --query Metadata.sha256 --output text) || airgap_why 'aws s3api head-object'
  printf '%s\\n' "$airgap_s"; [ "$airgap_s" = "$airgap_sha" ] && exit
  printf 'airgap: S3 holds sha256 %s, not the one above\\n' "$airgap_s"; exit 1
}
airgap_file=${archive.file}
airgap_sha=${archive.sha256}
airgap_bucket=${record.s3.bucket}
airgap_object=${archive.key}
airgap_url=${url}
airgap_unit 1 upload "aws s3 cp $airgap_file $airgap_url" airgap_s3_upload \\
  ${s3Args(record)}`;
}

/** airgap_push and airgap_image: one image to ECR, as a unit (a helper block of its own). */
const imageHelper = () =>
  raw(`airgap_push() {
  aws ecr get-login-password --region "$5" |
    docker login --username AWS --password-stdin "$2" >/dev/null || airgap_why 'docker login'
  aws ecr describe-repositories --region "$5" --repository-names "$3" >/dev/null 2>&1 ||
    aws ecr create-repository --region "$5" --repository-name "$3" >/dev/null ||
    airgap_why 'aws ecr create-repository'
  docker pull "$1" && docker tag "$1" "$2/$3:$4" && docker push "$2/$3:$4" ||
    airgap_why "docker pull/tag/push of $1"
  printf 'repository=%s tag=%s\\n' "$3" "$4"
  aws ecr describe-images --region "$5" --repository-name "$3" --image-ids "imageTag=$4" \\
    --query 'imageDetails[0].imageDigest' --output text
}
airgap_image() { airgap_unit "$1" image "push $2 to $3/$4:$5" airgap_push "$2" "$3" "$4" "$5" "$6"; }`);

/** The image blocks: the notes, then the pushes, in as many blocks as the rows take. */
function imageBlocks(record: BundleRecord, plan: ImagePlan): { code: string; units: number[] }[] {
  const region = record.spec.ecr?.region ?? record.s3.region;
  const first = [
    ...plan.unpushable.map(
      (u) => sh`printf 'airgap: not pushed: %s\\n' ${`${u.image}: ${u.reason}`}`,
    ),
  ];
  const blocks: { codes: ShellCode[]; units: number[] }[] = [{ codes: first, units: [] }];
  for (const p of plan.pushes) {
    const line = sh`airgap_image ${p.n} ${p.source} ${p.registry} ${p.repository} ${p.tag} ${region}`;
    let last = blocks[blocks.length - 1]!;
    if (echoRows(joinSh([...last.codes, line]).text) > MAX_BLOCK_ROWS) {
      last = { codes: [], units: [] };
      blocks.push(last);
    }
    last.codes.push(line);
    last.units.push(p.n);
  }
  return blocks.map((b) => ({ code: joinSh(b.codes).text, units: b.units }));
}

const inline = inlineCode;

/** Titles the tests and cloudshell.sh pick blocks by. */
export const HELPERS_TITLE = 'Define the helpers the blocks below call';

export function cloudshellBlocks(record: BundleRecord): PasteBlock[] {
  const archive = record.archive;
  const plan = imagePlan(record);
  const blocks: PasteBlock[] = [
    ...helperCodes(record, plan.pushes.length > 0).map((code, i, all) => ({
      title: all.length > 1 ? `${HELPERS_TITLE} (${i + 1} of ${all.length})` : HELPERS_TITLE,
      purpose:
        'Defines shell functions only, and runs nothing: the markers around each step, and one `airgap:` line naming the cause when a file is missing or cut short (with the free space of ~ when it is full) or the AWS credentials are missing. Paste it first in each CloudShell session.',
      success: 'no output',
      code,
      units: [],
    })),
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
      success: `\`${archive.file}: OK\`, an \`upload:\` line, then \`${archive.sha256}\` and \`rc=0\``,
      code: awsUpload(record).text,
      units: [1],
    },
  ];
  const left = plan.unpushable.length
    ? ` Not pushed (${plan.unpushable.map((u) => `${inline(u.image)}: ${u.reason}`).join('; ')}).`
    : '';
  if (plan.pushes.length) {
    const parts = imageBlocks(record, plan);
    parts.forEach((part, i) => {
      const pushes = plan.pushes.filter((p) => part.units.includes(p.n));
      blocks.push({
        title:
          i === 0
            ? `Push ${plan.pushes.length} image(s) missing from ECR`
            : `Push images, continued (${i + 1} of ${parts.length})`,
        purpose: `Logs in to ECR, creates each repository if missing, pulls, tags and pushes, then prints the digest ECR recorded${pushes.length ? `: ${pushes.map((p) => `${inline(p.source)} to ${inline(`${p.registry}/${p.repository}:${p.tag}`)}`).join(', ')}` : ''}. Copy this output into a file for \`airgap ingest\` so docs/ecr-manifest.md records them.${i === 0 ? left : ''}`,
        success: 'each end marker says `rc=0` after a `sha256:` digest line',
        code: part.code,
        units: part.units,
      });
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

/** cloudshell.sh: the blocks given (the record's plan, from render.ts) but the airgap upload. */
export function cloudshellScript(
  record: BundleRecord,
  blocks: ReadonlyArray<{ title: string; code: string }> = cloudshellBlocks(record),
): string {
  // The script form uses the fallback upload (no dependency on airgap in CloudShell).
  const chosen = blocks.filter((b) => !b.title.includes('with airgap'));
  return [
    '#!/usr/bin/env bash',
    `# airgap CloudShell part. Run from ~ or the folder holding the archive.`,
    ...chosen.map((b) => `\n# --- ${b.title.replace(/\n/g, ' ')}\n${b.code}`),
    '',
  ].join('\n');
}

export { cloudshellUnits } from '../model/image-plan.js';
