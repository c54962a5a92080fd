import { describe, expect, it } from 'vitest';
import { opensslSignature } from '../../src/paste/sshsig.js';

const str = (b: Buffer | string) => {
  const bytes = Buffer.from(b);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
};

/** An armored SSH signature in the PROTOCOL.sshsig layout with the given algorithm and blob. */
function armored(algorithm: string, blob: Buffer, hash = 'sha512'): string {
  const version = Buffer.from([0, 0, 0, 1]);
  const body = Buffer.concat([
    Buffer.from('SSHSIG'),
    version,
    str('public key'),
    str('airgap-bundle'),
    str(''),
    str(hash),
    str(Buffer.concat([str(algorithm), str(blob)])),
  ]).toString('base64');
  return `-----BEGIN SSH SIGNATURE-----\n${body.match(/.{1,70}/g)!.join('\n')}\n-----END SSH SIGNATURE-----\n`;
}

describe('opensslSignature', () => {
  it('turns an ECDSA signature (r, s mpints) into DER and gives the signed blob prefix', () => {
    const r = Buffer.concat([Buffer.from([0]), Buffer.alloc(32, 0x80)]); // high bit: leading 0
    const s = Buffer.alloc(32, 0x11);
    const o = opensslSignature(armored('ecdsa-sha2-nistp256', Buffer.concat([str(r), str(s)])))!;
    expect(o.digest).toBe('sha256');
    expect(o.messageHash).toBe('sha512');
    const der = Buffer.from(o.signature, 'base64');
    expect(der.toString('hex')).toBe(`3045022100${'80'.repeat(32)}0220${'11'.repeat(32)}`);
    const prefix = Buffer.from(o.prefix, 'base64');
    expect(prefix.subarray(0, 6).toString()).toBe('SSHSIG');
    // namespace, reserved, hash name, then the length of the 64-byte sha512 that follows.
    expect(prefix.subarray(6).toString('hex')).toBe(
      `${str('airgap-bundle').toString('hex')}00000000${str('sha512').toString('hex')}00000040`,
    );
  });

  it('keeps an RSA signature as it is, checked with sha512 for rsa-sha2-512', () => {
    const o = opensslSignature(armored('rsa-sha2-512', Buffer.alloc(256, 7)))!;
    expect(o.digest).toBe('sha512');
    expect(Buffer.from(o.signature, 'base64')).toEqual(Buffer.alloc(256, 7));
  });

  it('gives nothing for Ed25519 (OpenSSL 1.0.2 has none) or bytes that are no signature', () => {
    expect(opensslSignature(armored('ssh-ed25519', Buffer.alloc(64)))).toBeUndefined();
    expect(
      opensslSignature('-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----'),
    ).toBeUndefined();
    expect(opensslSignature('not a signature')).toBeUndefined();
  });
});
