/**
 * The OpenSSL view of an `ssh-keygen -Y sign` signature, for bastions whose OpenSSH predates
 * `-Y` (7.4 on Amazon Linux 2) but whose OpenSSL (1.0.2) verifies ECDSA and RSA.
 *
 * An SSH signature (PROTOCOL.sshsig) signs, with the key's own algorithm, the blob
 * "SSHSIG" ‖ string(namespace) ‖ string(reserved) ‖ string(hash name) ‖ string(H(archive)).
 * The bastion rebuilds that blob from the archive (`openssl dgst -sha512 -binary`) and checks
 * the same signature, re-encoded as OpenSSL expects, against each allowed signer's key:
 * `openssl dgst -sha256 -verify key.pem -signature sig.der blob`. Nothing new is signed, so
 * the laptop needs no second key format, and a pinned allowed_signers decides on both paths.
 */

export interface OpensslSignature {
  /** The digest `openssl dgst -<digest> -verify` uses: the signature algorithm's hash. */
  digest: 'sha256' | 'sha512';
  /** The hash of the archive inside the signed blob (ssh-keygen's -O hashalg, sha512 by default). */
  messageHash: 'sha256' | 'sha512';
  /** The signed blob's fixed part, before H(archive); base64. */
  prefix: string;
  /** The signature as OpenSSL reads it (DER for ECDSA, raw PKCS#1 v1.5 for RSA); base64. */
  signature: string;
  /** The signature algorithm, e.g. ecdsa-sha2-nistp256, rsa-sha2-512. */
  algorithm: string;
}

/** Reads SSH wire-format strings (uint32 length, then bytes) one after another. */
class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  bytes(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new Error('truncated SSH signature');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  uint32(): number {
    return this.bytes(4).readUInt32BE(0);
  }
  string(): Buffer {
    return this.bytes(this.uint32());
  }
}

const sshString = (b: Buffer): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** SSH mpints are already minimal two's complement, the content of a DER INTEGER. */
const derInteger = (mpint: Buffer): Buffer =>
  Buffer.concat([Buffer.from([0x02]), derLength(mpint.length), mpint]);

const DIGESTS: Record<string, 'sha256' | 'sha512'> = {
  'ecdsa-sha2-nistp256': 'sha256',
  'rsa-sha2-256': 'sha256',
  'rsa-sha2-512': 'sha512',
};

/**
 * The OpenSSL form of an armored SSH signature, or undefined for an algorithm OpenSSL 1.0.2
 * cannot verify (Ed25519, security keys; P-384/521 are left out) or bytes that are no SSH
 * signature: the bastion then says what it needs instead of checking.
 */
export function opensslSignature(armored: string): OpensslSignature | undefined {
  try {
    return parse(armored);
  } catch {
    return undefined;
  }
}

function parse(armored: string): OpensslSignature | undefined {
  const body = armored.replace(/-----(BEGIN|END) SSH SIGNATURE-----/g, '').replace(/\s+/g, '');
  const blob = new Reader(Buffer.from(body, 'base64'));
  if (blob.bytes(6).toString('latin1') !== 'SSHSIG') throw new Error('not an SSH signature');
  blob.uint32(); // version
  blob.string(); // the signer's public key: the bastion trusts allowed_signers instead
  const namespace = blob.string();
  const reserved = blob.string();
  const hashName = blob.string();
  const signature = new Reader(blob.string());
  const algorithm = signature.string().toString('latin1');
  const raw = signature.string();
  const digest = DIGESTS[algorithm];
  const messageHash = hashName.toString('latin1');
  if (!digest || (messageHash !== 'sha256' && messageHash !== 'sha512')) return undefined;
  let der = raw;
  if (algorithm.startsWith('ecdsa-')) {
    const point = new Reader(raw);
    const content = Buffer.concat([derInteger(point.string()), derInteger(point.string())]);
    der = Buffer.concat([Buffer.from([0x30]), derLength(content.length), content]);
  }
  const prefix = Buffer.concat([
    Buffer.from('SSHSIG', 'latin1'),
    sshString(namespace),
    sshString(reserved),
    sshString(hashName),
    // H(archive) follows as an SSH string: its length is part of the fixed prefix.
    Buffer.from([0, 0, 0, messageHash === 'sha512' ? 64 : 32]),
  ]);
  return {
    digest,
    messageHash,
    prefix: prefix.toString('base64'),
    signature: der.toString('base64'),
    algorithm,
  };
}
