import { countsInOutcome, markerPrintf } from '../model/markers.js';
import type { BundleRecord } from '../model/record.js';
import { archiveCodec } from './archive-codecs.js';
import { signatureFunctions } from './bastion-signature.js';
import { unitDispatch, unitFunctions } from './helper-units.js';
import { joinSh, raw, type ShellCode, sh } from './sh.js';

/**
 * helpers.sh: the program every bastion unit runs, as `sh helpers.sh <bundle-id> <n> <kind> …`.
 * It runs in a child POSIX sh (dash, bash as sh, BusyBox ash), never in the operator's shell,
 * so `set -e`, `set -C`, zsh options, aliases and functions of that shell do not reach it.
 * It holds no comments (zsh reads a pasted `#` as a command) and no `local` (not POSIX).
 *
 * Units read and write `~/airgap/<bundle-id>/state/`: unit-<n> holds each unit's outcome,
 * `verified` says the files were checked, `failed` names the step that stops later steps.
 * `blocks` gives the PASTE.md block number of each unit that can stop later steps
 * (`unit_blocks`, ` <n>:<block> …`): a skipped step names the block to paste again.
 */
export function helpersScript(
  record: BundleRecord,
  blocks: ReadonlyMap<number, number> = new Map(),
): ShellCode {
  const archive = record.archive;
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
units=${countedUnits(record)}
unit_blocks=${` ${[...blocks].map(([n, block]) => `${n}:${block}`).join(' ')} `}
aws_cp() { aws s3 cp ${s3Options} "$@"; }
aws_cp_shown=${`aws s3 cp ${s3Options.join(' ')} ${url}`}`;
  // The format's entry says how to extract and with which tools (paste/archive-codecs.ts).
  const codec = archiveCodec(archive.format);
  const unpack = codec.extract(raw('"$dir/$archive"'), raw('"$dir/root.tmp"'));
  return joinSh([
    raw('#!/bin/sh'),
    header,
    sh`unpack() { ${unpack} 2>&1; }`,
    sh`unpack_tools=${codec.tools.join(' ')}`,
    signatureFunctions(record),
    raw(LIB_BODY),
  ]);
}

/**
 * The units `helpers … loaded (N units)` names: those the bastion's summary, ingest's
 * `of N units` and the runbook count (not the summary itself, nor observations).
 */
export function countedUnits(record: BundleRecord): number {
  return record.units.filter((u) => countsInOutcome(u.kind)).length;
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
 *
 * Each unit is a fresh sh, and each `$(…)` or pipe into an external is a fork and an exec
 * (~5–8 ms of CPU each on a small VM, and a bastion run is hundreds): state files are read with
 * `read` (first_line, the whole file for these one-line files), the first line of a command by
 * expansion (`$nl`), and `tr` and `mkdir` run only when there is something to do. The first
 * context line of a unit shows the time its begin marker took (one `date`, milliseconds
 * before), later ones their own; the host is the kernel's name, as `hostname` prints it.
 */
const UNIT_WORDS = ['"$id"', '"$n"', '"$kind"'] as const;
const LIB_BODY = String.raw`unset CDPATH BASH_ENV ENV AIRGAP_NONCE
dir="$HOME/airgap/$id"
state="$dir/state"
nonce=''
if [ ! -t 0 ]; then IFS= read -r nonce || :; fi
case "$nonce" in *[!0123456789abcdef]*) nonce=$(printf '%s' "$nonce" | tr -cd '0-9a-f') ;; esac
tag=''
[ -n "$nonce" ] && tag=" s=$nonce"
n=$2
kind=$3
[ -d "$state" ] || mkdir -p "$state" 2>/dev/null
nl='
'
say() { printf 'airgap: %s\n' "$*"; }
now=''
begin() {
  now=$(date -u '+%s %Y-%m-%dT%H:%M:%SZ')
  epoch=${'$'}{now%% *}
  ${markerPrintf('begin', { unit: UNIT_WORDS, nonce: '"$tag"', epoch: '"$epoch"' })}
}
finish() {
  printf '%s\n' "$1" >| "$state/unit-$n"
  ${markerPrintf('end', { unit: UNIT_WORDS, status: '"$1"', nonce: '"$tag"' })}
}
context() {
  if [ -n "$now" ]; then at=${'$'}{now#* }; now=''; else at=$(date -u +%Y-%m-%dT%H:%M:%SZ); fi
  first_line /proc/sys/kernel/hostname
  [ -n "$line" ] || line=$(hostname 2>/dev/null || uname -n)
  printf '[%s %s] $ %s\n' "$at" "$line" "$1"
}
need() {
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      say "$tool is not installed on this host; the $kind unit needs it"
      return 1
    fi
  done
}
first_line() { line=''; { IFS= read -r line <"$1"; } 2>/dev/null || :; }
ok_before() { first_line "$state/unit-$1"; [ "$line" = rc=0 ]; }
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
${unitFunctions()}
if [ "$1" != "$id" ]; then
  say "this block is for $1; these helpers are for $id: paste the helper blocks of $1 (block 1 on) first"
  exit 2
fi
${unitDispatch()}`;
