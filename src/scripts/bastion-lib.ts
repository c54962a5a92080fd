import { archiveFormat } from '../model/archive-formats.js';
import { markerPrintf } from '../model/markers.js';
import type { BundleRecord } from '../model/record.js';
import { signatureFunctions } from './bastion-signature.js';
import { joinSh, raw, type ShellCode, sh } from './sh.js';

/**
 * helpers.sh: the program every bastion unit runs, as `sh helpers.sh <bundle-id> <n> <kind> …`.
 * It runs in a child POSIX sh (dash, bash as sh, BusyBox ash), never in the operator's shell,
 * so `set -e`, `set -C`, zsh options, aliases and functions of that shell do not reach it.
 * It holds no comments (zsh reads a pasted `#` as a command) and no `local` (not POSIX).
 *
 * Units read and write `~/airgap/<bundle-id>/state/`: unit-<n> holds each unit's outcome,
 * `verified` says the files were checked, `failed` names the step that stops later steps.
 */
export function helpersScript(record: BundleRecord): ShellCode {
  const archive = record.archive;
  if (!archive) throw new Error('bundle record has no archive yet');
  const s3Options = [
    '--region',
    record.s3.region,
    ...(record.s3.endpoint ? ['--endpoint-url', record.s3.endpoint] : []),
  ];
  const url = `s3://${record.s3.bucket}/${archive.key}`;
  const header = sh`id=${record.id}
sha=${archive.sha256}
archive=${archive.file}
url=${url}
units=${record.units.length}
aws_cp() { aws s3 cp ${s3Options} "$@"; }
aws_cp_shown=${`aws s3 cp ${s3Options.join(' ')} ${url}`}`;
  // The archive formats table says how to extract; BusyBox tar takes the same options.
  const unpack = archiveFormat(archive.format).extractCommand('"$dir/$archive"', '"$dir/root.tmp"');
  const tools = unpack.startsWith('tar ') ? 'tar gzip' : (unpack.split(' ')[0] ?? '');
  return joinSh([
    raw('#!/bin/sh'),
    header,
    raw(`unpack() { ${unpack} 2>&1; }`),
    sh`unpack_tools=${tools}`,
    signatureFunctions(record),
    raw(LIB_BODY),
  ]);
}

/**
 * The fixed part of helpers.sh. POSIX sh only, options that GNU coreutils 8.22 and BusyBox
 * share (or a check of which one is there), every external called by name from a clean
 * child environment. `$1` is the bundle id, `$2` the unit number, `$3` its kind, `$4` 1 when
 * a failing step must not stop later ones, `$5` the command. The paste's nonce is the first
 * line of standard input; the step runs with /dev/null there, so it never sees it.
 *
 * A failed step stops the steps after it until it succeeds: pasting the failed step's block
 * again retries it (an earlier step's block runs too), and its success clears `failed`.
 */
const UNIT_WORDS = ['"$id"', '"$n"', '"$kind"'] as const;
const LIB_BODY = String.raw`unset CDPATH BASH_ENV ENV AIRGAP_NONCE
dir="$HOME/airgap/$id"
state="$dir/state"
nonce=''
if [ ! -t 0 ]; then IFS= read -r nonce || :; fi
nonce=$(printf '%s' "$nonce" | tr -cd '0-9a-f')
tag=''
[ -n "$nonce" ] && tag=" s=$nonce"
n=$2
kind=$3
mkdir -p "$state" 2>/dev/null
say() { printf 'airgap: %s\n' "$*"; }
begin() { ${markerPrintf('begin', { unit: UNIT_WORDS, nonce: '"$tag"' })}; }
finish() {
  printf '%s\n' "$1" >| "$state/unit-$n"
  ${markerPrintf('end', { unit: UNIT_WORDS, status: '"$1"', nonce: '"$tag"' })}
}
context() {
  printf '[%s %s] $ %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(hostname 2>/dev/null || uname -n)" "$1"
}
need() {
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      say "$tool is not installed on this host; the $kind unit needs it"
      return 1
    fi
  done
}
ok_before() { [ "$(cat "$state/unit-$1" 2>/dev/null)" = rc=0 ]; }
is_gnu() { "$1" --version 2>/dev/null | grep -q GNU; }
check_sums() {
  if is_gnu sha256sum; then
    (cd "$1" && sha256sum --strict -c "$2") >| "$state/sums.out" 2>&1
  else
    (cd "$1" && sha256sum -c "$2") >| "$state/sums.out" 2>&1
  fi
  sums_rc=$?
  grep -v ': OK$' "$state/sums.out"
  [ "$sums_rc" -eq 0 ] && [ "$(grep -c ': OK$' "$state/sums.out")" -eq "$(grep -c '' "$1/$2")" ]
}
download() {
  begin
  rc=1
  if ! { rm -rf "$state" && mkdir -p "$state"; }; then
    say "cannot write $state"
  elif [ -f "$dir/paste/SHA256SUMS.parts" ]; then
    context "reassemble $archive from the pasted parts"
    if need sha256sum base64 && check_sums "$dir/paste" SHA256SUMS.parts; then
      while read -r _ part; do cat "$dir/paste/$part"; done < "$dir/paste/SHA256SUMS.parts" |
        base64 -d >| "$dir/$archive" &&
        say "reassembled $(grep -c '' "$dir/paste/SHA256SUMS.parts") parts" && rc=0
    fi
  else
    context "$aws_cp_shown $dir/$archive"
    if need aws; then
      { aws_cp "$url" "$dir/$archive" 2>&1; printf '%s\n' "$?" >| "$state/aws.rc"; } |
        tee "$state/aws.out"
      rc=$(cat "$state/aws.rc")
      if [ "$rc" -ne 0 ] && grep -q -e '(404)' -e 'Not Found' -e NoSuchKey "$state/aws.out"; then
        say "not in S3: run airgap upload (or the CloudShell block) first"
      fi
    fi
  fi
  finish "rc=$rc"
}
verify() {
  begin
  rc=1
  if ! ok_before 1; then
    say "the download did not succeed; nothing to verify"
  elif need sha256sum; then
    context "sha256sum $archive (expected $sha)"
    got=$(cd "$dir" && sha256sum "$archive" | cut -d ' ' -f 1)
    if [ "$got" = "$sha" ]; then
      printf '%s: OK\n' "$archive"
      rc=0
    else
      printf '%s: FAILED\n' "$archive"
      say "CHECKSUM MISMATCH: the archive is not the one airgap built."
      say "nothing will be extracted or applied. Re-upload the bundle."
    fi
    if [ "$rc" -eq 0 ] && ! signature; then rc=1; fi
  fi
  finish "rc=$rc"
}
extract() {
  begin
  rc=1
  if ! ok_before 2; then
    say "the archive was not verified; not extracting"
  elif need $unpack_tools sha256sum; then
    rm -rf "$dir/root" "$dir/root.tmp" && mkdir -p "$dir/root.tmp"
    context "extract $archive into $dir/root and sha256sum -c SHA256SUMS"
    if unpack && check_sums "$dir/root.tmp" SHA256SUMS; then
      mv "$dir/root.tmp" "$dir/root" && : >| "$state/verified" &&
        say "$(grep -c '' "$dir/root/SHA256SUMS") files extracted and verified" && rc=0
    else
      say "extraction or per-file verification FAILED; nothing will be applied"
    fi
  fi
  finish "rc=$rc"
}
run() {
  begin
  if [ "$kind" != observe ] && [ ! -f "$state/verified" ]; then
    say "skipped: the bundle has not been downloaded and verified"
    result=skip
  elif [ "$kind" != verify-cmd ] && [ "$kind" != observe ] && [ -f "$state/failed" ] &&
    [ "$(cat "$state/failed")" -lt "$n" ]; then
    say "skipped: step $(cat "$state/failed") failed earlier; paste its block again to retry it"
    result=skip
  elif ! need bash; then
    result=rc=127
  else
    first=$(printf '%s\n' "$5" | head -n 1)
    if [ "$first" = "$5" ]; then context "$5"; else context "$first ..."; fi
    root="$dir/root"
    [ -d "$root" ] || root="$dir"
    (cd "$root" && bash -o pipefail -c "$5" 2>&1) </dev/null
    rc=$?
    if [ "$kind" = preview ] && [ "$rc" -eq 1 ]; then
      say "kubectl diff exit 1: the differences above are what the next steps change"
      rc=0
    fi
    result="rc=$rc"
    if [ "$rc" -ne 0 ] && [ "$kind" != verify-cmd ] && [ "$kind" != observe ] && [ "$4" != 1 ]; then
      printf '%s\n' "$n" >| "$state/failed"
    elif [ "$rc" -eq 0 ] && [ "$(cat "$state/failed" 2>/dev/null)" = "$n" ]; then
      rm -f "$state/failed"
    fi
  fi
  finish "$result"
}
summary() {
  begin
  i=1 ok=0 failed=0 skipped=0 missing=0
  while [ "$i" -lt "$n" ]; do
    case "$(cat "$state/unit-$i" 2>/dev/null)" in
      rc=0) ok=$((ok + 1)) ;;
      skip) skipped=$((skipped + 1)) ;;
      '') missing=$((missing + 1)) ;;
      *) failed=$((failed + 1)) ;;
    esac
    i=$((i + 1))
  done
  say "$id: $ok ok, $failed failed, $skipped skipped, $missing not run"
  if [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ] && [ "$missing" -eq 0 ]; then
    say "RESULT: SUCCESS"
    printf 'SUCCESS\n' >| "$state/result"
    finish rc=0
  else
    say "RESULT: FAILED"
    printf 'FAILED\n' >| "$state/result"
    finish rc=1
  fi
}
if [ "$1" != "$id" ]; then
  say "this block is for $1; these helpers are for $id: paste the helper blocks of $1 (block 1 on) first"
  exit 2
fi
case "$kind" in
  loaded) say "helpers for $id loaded ($units units)" ;;
  download) download ;;
  verify) verify ;;
  extract) extract ;;
  summary) summary ;;
  *) run "$@" ;;
esac`;
