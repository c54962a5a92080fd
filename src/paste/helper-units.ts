import {
  type CommandKind,
  type HelperKind,
  kindInfo,
  type MarkerKind,
  UNIT_KINDS,
  type UnitKindInfo,
} from '../model/markers.js';

/**
 * The unit functions of helpers.sh, generated from the unit kind table (model/unit-kinds.ts):
 * a kind that `runs: 'helper'` has its own shell function below (a `Record` over those kinds,
 * so a new one without its function does not compile); the kinds that `runs: 'command'` share
 * `run()`, whose checks of `$kind` are built from their `waitsFor` and `exit1IsSuccess`.
 * POSIX sh only, no comments, no `local` (see bastion-lib.ts). Kind names are `[a-z-]` (the
 * marker grammar), so they stand unquoted in the generated tests.
 */
const HELPER_BODIES: Record<HelperKind, string> = {
  download: String.raw`  begin
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
      first_line "$state/aws.rc"
      rc=$line
      if [ "$rc" -ne 0 ] && grep -q -e '(404)' -e 'Not Found' -e NoSuchKey "$state/aws.out"; then
        say "not in S3: run airgap upload (or the CloudShell block) first"
      fi
    fi
  fi
  finish "rc=$rc"`,
  verify: String.raw`  begin
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
  finish "rc=$rc"`,
  extract: `  begin
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
  finish "rc=$rc"`,
  summary: String.raw`  begin
  i=1 ok=0 failed=0 skipped=0 missing=0
  while [ "$i" -lt "$n" ]; do
    first_line "$state/unit-$i"
    case "$line" in
      rc=0) ok=$((ok + 1)) ;;
      skip) skipped=$((skipped + 1)) ;;
      '') missing=$((missing + 1)) ;;
      *) failed=$((failed + 1)) ;;
    esac
    i=$((i + 1))
  done
  say "$id: $ok ok, $failed failed, $skipped skipped, $missing not yet seen"
  if [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ] && [ "$missing" -eq 0 ]; then
    say "RESULT: SUCCESS"
    printf 'SUCCESS\n' >| "$state/result"
    finish rc=0
  else
    say "RESULT: FAILED"
    printf 'FAILED\n' >| "$state/result"
    finish rc=1
  fi`,
};

const commandKinds = UNIT_KINDS.filter(
  (kind): kind is CommandKind => kindInfo(kind).runs === 'command',
);
const commandInfo = (kind: CommandKind) =>
  kindInfo(kind) as Extract<UnitKindInfo, { runs: 'command' }>;
/** Command kinds that run before the files are verified. */
const runsUnverified = commandKinds.filter((kind) => commandInfo(kind).waitsFor === 'nothing');
/** Command kinds that neither wait for earlier steps nor stop later ones when they fail. */
const outsideSteps = commandKinds.filter((kind) => commandInfo(kind).waitsFor !== 'steps');
const exit1IsSuccess = commandKinds.filter((kind) => commandInfo(kind).exit1IsSuccess);

const kindIsNot = (kinds: readonly MarkerKind[]) => kinds.map((kind) => `[ "$kind" != ${kind} ]`);
const all = (tests: readonly string[]) => tests.join(' && ');
function kindIs(kinds: readonly MarkerKind[]): string {
  const tests = kinds.map((kind) => `[ "$kind" = ${kind} ]`);
  if (tests.length <= 1) return tests[0] ?? 'false';
  return `{ ${tests.join(' || ')}; }`;
}

const RUN_BODY = String.raw`  begin
  if ${all([...kindIsNot(runsUnverified), '[ ! -f "$state/verified" ]'])}; then
    say "skipped: the bundle has not been downloaded and verified"
    result=skip
  elif ${all([...kindIsNot(outsideSteps), '[ -f "$state/failed" ]'])} &&
    first_line "$state/failed" && [ "$line" -lt "$n" ]; then
    case "$unit_blocks" in
      *" $line:"*)
        block=${'$'}{unit_blocks#* "$line":}
        block=${'$'}{block%% *}
        say "skipped: block $block (unit $line) failed earlier; paste block $block again to retry it" ;;
      *) say "skipped: unit $line failed earlier; paste its block again to retry it" ;;
    esac
    result=skip
  elif ! need bash; then
    result=rc=127
  else
    first=${'$'}{5%%"$nl"*}
    if [ "$first" = "$5" ]; then context "$5"; else context "$first ..."; fi
    root="$dir/root"
    [ -d "$root" ] || root="$dir"
    (cd "$root" && bash -o pipefail -c "$5" 2>&1) </dev/null
    rc=$?
    if ${kindIs(exit1IsSuccess)} && [ "$rc" -eq 1 ]; then
      say "kubectl diff exit 1: the differences above are what the next steps change"
      rc=0
    fi
    result="rc=$rc"
    if ${all(['[ "$rc" -ne 0 ]', ...kindIsNot(outsideSteps), '[ "$4" != 1 ]'])}; then
      printf '%s\n' "$n" >| "$state/failed"
    elif [ "$rc" -eq 0 ] && first_line "$state/failed" && [ "$line" = "$n" ]; then
      rm -f "$state/failed"
    fi
  fi
  finish "$result"`;

/**
 * Every unit function, walking the table in order: a helper kind's own function, and `run()`
 * where the first command kind stands.
 */
export function unitFunctions(): string {
  const functions: string[] = [];
  for (const kind of UNIT_KINDS) {
    const info = kindInfo(kind);
    if (info.runs === 'helper')
      functions.push(`${kind}() {\n${HELPER_BODIES[kind as HelperKind]}\n}`);
    else if (info.runs === 'command' && kind === commandKinds[0])
      functions.push(`run() {\n${RUN_BODY}\n}`);
  }
  return functions.join('\n');
}

/** The dispatch on `$kind` at the end of helpers.sh: a helper kind's function, else run(). */
export function unitDispatch(): string {
  const helpers = UNIT_KINDS.filter((kind) => kindInfo(kind).runs === 'helper');
  return [
    'case "$kind" in',
    '  loaded) say "helpers for $id loaded ($units units)" ;;',
    ...helpers.map((kind) => `  ${kind}) ${kind} ;;`),
    '  *) run "$@" ;;',
    'esac',
  ].join('\n');
}
