import { archiveFormat } from '../model/archive-formats.js';
import type { BundleRecord, Unit } from '../model/record.js';
import { SIGNATURE_NAMESPACE } from '../model/record.js';
import { shellQuote } from '../util/shell-quote.js';

export interface PasteBlock {
  title: string;
  /** What the block does, in a sentence. */
  purpose: string;
  /** What the operator should see when it worked. */
  success: string;
  code: string;
}

/**
 * The helper functions every later block calls. Defined once per shell by block 1; they
 * never `exit` or `set -e`, so a failure cannot close the operator's interactive session.
 */
function setupBlock(record: BundleRecord): string {
  const archive = record.archive;
  if (!archive) throw new Error('bundle record has no archive yet');
  const total = record.units.length;
  const s3Args = [
    '--region',
    shellQuote(record.s3.region),
    ...(record.s3.endpoint ? ['--endpoint-url', shellQuote(record.s3.endpoint)] : []),
  ].join(' ');
  const extract = archiveFormat(archive.format).extractCommand(
    '"$AIRGAP_DIR/$AIRGAP_ARCHIVE"',
    '"$AIRGAP_DIR/root.tmp"',
  );
  return `AIRGAP_ID=${shellQuote(record.id)}
AIRGAP_SHA256=${archive.sha256}
AIRGAP_ARCHIVE=${shellQuote(archive.file)}
AIRGAP_URL=${shellQuote(`s3://${record.s3.bucket}/${archive.key}`)}
AIRGAP_UNITS=${total}
AIRGAP_DIR="$HOME/airgap/$AIRGAP_ID"
airgap_begin() {
  printf '@@airgap/1 begin %s %s %s %s\\n' "$AIRGAP_ID" "$1" "$2" "$(date -u +%s)"
}
airgap_end() {
  printf '@@airgap/1 end %s %s %s %s %s\\n' "$AIRGAP_ID" "$1" "$2" "$3" "$(date -u +%s)"
  printf '%s\\n' "$3" > "$AIRGAP_DIR/state/unit-$1"
}
airgap_context() {
  printf '[%s %s] $ %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(hostname 2>/dev/null || uname -n)" "$1"
}
airgap_download() {
  mkdir -p "$AIRGAP_DIR/state" && rm -f "$AIRGAP_DIR/state/"*
  airgap_begin 1 download
  local rc
  if [ -f "$AIRGAP_DIR/paste/SHA256SUMS.parts" ]; then
    airgap_context "reassemble $AIRGAP_ARCHIVE from the pasted parts"
    (cd "$AIRGAP_DIR/paste" && sha256sum --quiet -c SHA256SUMS.parts 2>&1 &&
      cut -d' ' -f3 SHA256SUMS.parts | xargs cat | base64 -d > "$AIRGAP_DIR/$AIRGAP_ARCHIVE" &&
      echo "airgap: reassembled $(grep -c '' SHA256SUMS.parts) parts")
    rc=$?
  else
    airgap_context "aws s3 cp ${s3Args} $AIRGAP_URL $AIRGAP_DIR/$AIRGAP_ARCHIVE"
    aws s3 cp ${s3Args} "$AIRGAP_URL" "$AIRGAP_DIR/$AIRGAP_ARCHIVE" 2>&1
    rc=$?
  fi
  airgap_end 1 download "rc=$rc"
  return "$rc"
}
airgap_verify() {
  airgap_begin 2 verify
  local rc=1
  if [ "$(cat "$AIRGAP_DIR/state/unit-1" 2>/dev/null)" != rc=0 ]; then
    echo "airgap: the download did not succeed; nothing to verify"
  else
    airgap_context "sha256sum -c (expected $AIRGAP_SHA256)"
    (cd "$AIRGAP_DIR" && printf '%s  %s\\n' "$AIRGAP_SHA256" "$AIRGAP_ARCHIVE" | sha256sum -c - 2>&1)
    rc=$?
    if [ "$rc" -ne 0 ]; then
      echo "airgap: CHECKSUM MISMATCH: the archive is not the one airgap built."
      echo "airgap: nothing will be extracted or applied. Re-upload the bundle."
    fi${signatureCheck(record)}
  fi
  airgap_end 2 verify "rc=$rc"
  return "$rc"
}
airgap_extract() {
  airgap_begin 3 extract
  local rc=1
  if [ "$(cat "$AIRGAP_DIR/state/unit-2" 2>/dev/null)" != rc=0 ]; then
    echo "airgap: the archive was not verified; not extracting"
  else
    rm -rf "$AIRGAP_DIR/root" "$AIRGAP_DIR/root.tmp" && mkdir -p "$AIRGAP_DIR/root.tmp"
    airgap_context "${extract.replaceAll('"', '')}"
    if ${extract} 2>&1 &&
      (cd "$AIRGAP_DIR/root.tmp" && sha256sum --quiet -c SHA256SUMS 2>&1); then
      mv "$AIRGAP_DIR/root.tmp" "$AIRGAP_DIR/root" &&
        touch "$AIRGAP_DIR/state/verified" &&
        echo "airgap: $(grep -c '' "$AIRGAP_DIR/root/SHA256SUMS") files extracted and verified"
      rc=$?
    else
      echo "airgap: extraction or per-file verification FAILED; nothing will be applied"
    fi
  fi
  airgap_end 3 extract "rc=$rc"
  return "$rc"
}
airgap_run() {
  # $1 unit number, $2 kind, $3 1 when a failure must not stop later steps, $4 the command
  airgap_begin "$1" "$2"
  local status
  if [ ! -f "$AIRGAP_DIR/state/verified" ]; then
    echo "airgap: skipped: the bundle has not been downloaded and verified"
    status=skip
  elif [ "$2" = step ] && [ -f "$AIRGAP_DIR/state/failed" ]; then
    echo "airgap: skipped: step $(cat "$AIRGAP_DIR/state/failed") failed earlier"
    status=skip
  else
    airgap_context "$4"
    (cd "$AIRGAP_DIR/root" && bash -o pipefail -c "$4" 2>&1)
    status="rc=$?"
    if [ "$status" != rc=0 ] && [ "$2" = step ] && [ "$3" != 1 ]; then
      printf '%s\\n' "$1" > "$AIRGAP_DIR/state/failed"
    fi
  fi
  airgap_end "$1" "$2" "$status"
  [ "$status" = rc=0 ]
}
airgap_summary() {
  local n=1 ok=0 failed=0 skipped=0 missing=0 status
  mkdir -p "$AIRGAP_DIR/state"
  airgap_begin "$AIRGAP_UNITS" summary
  while [ "$n" -lt "$AIRGAP_UNITS" ]; do
    status=$(cat "$AIRGAP_DIR/state/unit-$n" 2>/dev/null)
    case "$status" in
      rc=0) ok=$((ok + 1)) ;;
      skip) skipped=$((skipped + 1)) ;;
      '') missing=$((missing + 1)) ;;
      *) failed=$((failed + 1)) ;;
    esac
    n=$((n + 1))
  done
  echo "airgap: $AIRGAP_ID: $ok ok, $failed failed, $skipped skipped, $missing not run"
  if [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ] && [ "$missing" -eq 0 ]; then
    echo "airgap: RESULT: SUCCESS"
    airgap_end "$AIRGAP_UNITS" summary rc=0
    return 0
  fi
  echo "airgap: RESULT: FAILED"
  airgap_end "$AIRGAP_UNITS" summary rc=1
  return 1
}
echo "airgap: helpers for $AIRGAP_ID loaded ($AIRGAP_UNITS units)"`;
}

/**
 * With signing, the verify unit also runs `ssh-keygen -Y verify` before anything is extracted.
 * The signers come from the ops repo's committed allowed_signers, unless the bastion pins its
 * own at ~/airgap/allowed_signers (a stronger anchor: it does not travel with the sheet).
 */
function signatureCheck(record: BundleRecord): string {
  const signature = record.signature;
  if (!signature) return '';
  return `
    if [ "$rc" -eq 0 ]; then
      local signers="$HOME/airgap/allowed_signers"
      if [ ! -f "$signers" ]; then
        signers="$AIRGAP_DIR/allowed_signers"
        cat > "$signers" <<'AIRGAP_SIGNERS_EOF'
${signature.allowedSigners.trimEnd()}
AIRGAP_SIGNERS_EOF
      fi
      cat > "$AIRGAP_DIR/$AIRGAP_ARCHIVE.sig" <<'AIRGAP_SIG_EOF'
${signature.sig.trimEnd()}
AIRGAP_SIG_EOF
      airgap_context "ssh-keygen -Y verify -f $signers -I ${signature.identity} -n ${SIGNATURE_NAMESPACE} -s $AIRGAP_ARCHIVE.sig"
      ssh-keygen -Y verify -f "$signers" -I ${shellQuote(signature.identity)} -n ${SIGNATURE_NAMESPACE} \\
        -s "$AIRGAP_DIR/$AIRGAP_ARCHIVE.sig" < "$AIRGAP_DIR/$AIRGAP_ARCHIVE" 2>&1
      rc=$?
      if [ "$rc" -ne 0 ]; then
        echo "airgap: BAD SIGNATURE: not signed by ${signature.identity.replace(/[^\w@.+-]/g, '')} in allowed_signers; nothing will be extracted."
      fi
    fi`;
}

function unitCall(unit: Unit): string {
  return `airgap_run ${unit.n} ${unit.kind} ${unit.continueOnError ? 1 : 0} ${shellQuote(unit.command ?? '')}`;
}

export function bastionBlocks(record: BundleRecord): PasteBlock[] {
  const steps = record.units.filter((u) => u.kind === 'step');
  const verify = record.units.filter((u) => u.kind === 'verify-cmd');
  const blocks: PasteBlock[] = [
    {
      title: 'Load the airgap helpers',
      purpose:
        'Defines the variables and functions the next blocks call. Paste it again in any new shell.',
      success: `airgap: helpers for ${record.id} loaded (${record.units.length} units)`,
      code: setupBlock(record),
    },
    {
      title: 'Download, verify and extract',
      purpose: `Fetches the archive from S3, checks its sha256 against the one embedded here, extracts it to ~/airgap/${record.id}/root and checks every file.`,
      success: `\`${record.archive?.file}: OK\` and \`airgap: ${record.files.length} files extracted and verified\``,
      code: 'airgap_download; airgap_verify; airgap_extract',
    },
  ];
  steps.forEach((unit, index) => {
    blocks.push({
      title: `Step ${index + 1} of ${steps.length}: ${unit.name}`,
      purpose: `Runs from the bundle root: \`${unit.command}\`${unit.continueOnError ? ' (a failure does not stop later steps)' : ''}`,
      success: `the end marker says \`rc=0\``,
      code: unitCall(unit),
    });
  });
  if (verify.length) {
    blocks.push({
      title: 'Verify',
      purpose: 'Read-only checks of the result.',
      success: 'each end marker says `rc=0`',
      code: verify.map(unitCall).join('\n'),
    });
  }
  blocks.push({
    title: 'Summary',
    purpose:
      'Counts what succeeded; copy the whole terminal from block 1 to here into a file for `airgap ingest`.',
    success: '`airgap: RESULT: SUCCESS`',
    code: 'airgap_summary',
  });
  return blocks;
}

export function bastionScript(record: BundleRecord): string {
  const blocks = bastionBlocks(record);
  return [
    '#!/usr/bin/env bash',
    `# airgap bundle ${record.id}: every bastion block of PASTE.md, in order.`,
    '# Run as: bash bastion.sh 2>&1 | tee bastion-output.txt  (exit status 0 only if all succeeded)',
    ...blocks.map((b, i) => `\n# --- block ${i + 1}: ${b.title.replace(/\n/g, ' ')}\n${b.code}`),
    '',
  ].join('\n');
}
