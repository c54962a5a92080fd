import type { BundleRecord } from '../model/record.js';
import { SIGNATURE_NAMESPACE } from '../model/record-format.js';
import { dataLiteral, joinSh, raw, type ShellCode, sh } from './sh.js';
import { opensslSignature } from './sshsig.js';

/**
 * The `signature` function of helpers.sh: with signing, the verify unit checks the archive's
 * signature before anything is extracted. `ssh-keygen -Y verify` where OpenSSH ≥ 8.1 has it;
 * else (OpenSSH 7.4 and OpenSSL 1.0.2 on Amazon Linux 2) the same signature through
 * `openssl dgst -verify` (src/paste/sshsig.ts), with each allowed signer's key turned into
 * PEM by `ssh-keygen -e -m PKCS8`, which OpenSSH 7.4 has.
 */
export function signatureFunctions(record: BundleRecord): ShellCode {
  const signature = record.signature;
  if (!signature) return raw('signature() { :; }');
  const sig = signature.sig.endsWith('\n') ? signature.sig : `${signature.sig}\n`;
  const ossl = opensslSignature(sig);
  const algorithm = decoded(sig).includes('ssh-ed25519') ? 'an Ed25519' : 'this';
  return joinSh([
    sh`identity=${signature.identity}
write_signers() { ${dataLiteral(signature.allowedSigners)}; }
write_signature() { ${dataLiteral(sig)}; }
verify_shown=${`ssh-keygen -Y verify -I ${signature.identity} -n ${SIGNATURE_NAMESPACE} -s ${record.archive.file}.sig`}
namespace=${SIGNATURE_NAMESPACE}
ossl_digest=${ossl?.digest ?? ''}
ossl_hash=${ossl?.messageHash ?? ''}
ossl_kind=${algorithm}`,
    ossl
      ? sh`write_ossl_prefix() { ${dataLiteral(Buffer.from(ossl.prefix, 'base64'))}; }
write_ossl_signature() { ${dataLiteral(Buffer.from(ossl.signature, 'base64'))}; }`
      : raw('write_ossl_prefix() { :; }\nwrite_ossl_signature() { :; }'),
    raw(SIGNATURE_BODY),
  ]);
}

/** An armored SSH signature's bytes: the key and algorithm names in it are plain text. */
function decoded(armored: string): string {
  const body = armored.replace(/-----(BEGIN|END) SSH SIGNATURE-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64').toString('latin1');
}

/**
 * A pinned ~/airgap/allowed_signers wins over the sheet's on both paths. The OpenSSL path
 * reads allowed_signers lines itself: principals (comma-separated; matched exactly, so a
 * wildcard pattern trusts no one there: it fails closed), optional options (a cert-authority
 * line is skipped, `namespaces=` must name ours), key.
 * Its variables are prefixed sig_ so they leave the unit's own ($n, $rc, …) alone; each
 * `${"$"}{` writes a shell `${`, which this template literal would otherwise interpolate.
 */
const SIGNATURE_BODY = String.raw`signature() {
  signers="$HOME/airgap/allowed_signers"
  if [ ! -f "$signers" ]; then
    signers="$dir/allowed_signers"
    write_signers >| "$signers" || return 1
  fi
  write_signature >| "$dir/$archive.sig" || return 1
  if ! command -v ssh-keygen >/dev/null 2>&1 ||
    ssh-keygen -Y 2>&1 | grep -q -i -e 'unknown option' -e 'illegal option' -e 'invalid option'; then
    signature_openssl
    return
  fi
  context "$verify_shown -f $signers"
  if ssh-keygen -Y verify -f "$signers" -I "$identity" -n "$namespace" \
    -s "$dir/$archive.sig" < "$dir/$archive" 2>&1; then
    return 0
  fi
  say "BAD SIGNATURE: not signed by $identity in allowed_signers; nothing will be extracted."
  return 1
}
signature_openssl() {
  if [ -z "$ossl_digest" ]; then
    say "OpenSSH ≥ 8.1 needed to verify $ossl_kind signature here: this ssh-keygen has no -Y"
    say "and OpenSSL cannot check it. Fix: sign with an ECDSA P-256 or RSA key"
    say "(ssh-keygen -t ecdsa -b 256), or install OpenSSH ≥ 8.1 on this host."
    say "nothing will be extracted"
    return 1
  fi
  if ! command -v openssl >/dev/null 2>&1 || ! command -v ssh-keygen >/dev/null 2>&1; then
    say "OpenSSH ≥ 8.1 needed to verify signatures on this host, or openssl and ssh-keygen"
    say "nothing will be extracted"
    return 1
  fi
  write_ossl_signature >| "$dir/$archive.sig.der" || return 1
  { write_ossl_prefix && openssl dgst -"$ossl_hash" -binary < "$dir/$archive"; } \
    >| "$dir/$archive.signed" || return 1
  context "openssl dgst -$ossl_digest -verify <$identity in $signers> -signature $archive.sig.der"
  while IFS= read -r sig_line || [ -n "$sig_line" ]; do
    signer_key "$sig_line" || continue
    printf '%s\n' "$sig_key" >| "$dir/signer.pub" || return 1
    ssh-keygen -e -m PKCS8 -f "$dir/signer.pub" >| "$dir/signer.pem" 2>/dev/null || continue
    if sig_out=$(openssl dgst -"$ossl_digest" -verify "$dir/signer.pem" \
      -signature "$dir/$archive.sig.der" "$dir/$archive.signed" 2>&1); then
      printf '%s\n' "$sig_out"
      say "good signature by $identity (OpenSSL; this ssh-keygen has no -Y)"
      return 0
    fi
  done < "$signers"
  say "BAD SIGNATURE: not signed by $identity in allowed_signers; nothing will be extracted."
  return 1
}
signer_key() {
  set -f
  set -- $1
  set +f
  case "$1" in '' | '#'*) return 1 ;; esac
  sig_rest=$1
  shift
  sig_opts=''
  case "$1" in ssh-* | ecdsa-* | sk-*) ;; *) sig_opts=$1 && shift ;; esac
  case "$sig_opts" in *cert-authority*) return 1 ;; esac
  case "$sig_opts" in *namespaces=*) case "$sig_opts" in *"$namespace"*) ;; *) return 1 ;; esac ;; esac
  [ -n "$2" ] || return 1
  sig_key="$1 $2"
  sig_match=1
  while [ -n "$sig_rest" ]; do
    sig_p=${'$'}{sig_rest%%,*}
    if [ "$sig_p" = "$sig_rest" ]; then sig_rest=''; else sig_rest=${'$'}{sig_rest#*,}; fi
    if [ "$sig_p" = "$identity" ]; then sig_match=0; fi
  done
  return "$sig_match"
}`;
