/**
 * The record's constants without its schema: a first bundle writes a record but loads zod only
 * when the zod-free check (record-check.ts) does not accept it. record.ts re-exports these.
 */
export const BUNDLE_FORMAT = 'airgap-bundle/1';
/** Names the archive reserves at its root for its own metadata. */
export const RESERVED_NAMES = ['bundle.json', 'SHA256SUMS'] as const;

/** The ssh-keygen -Y namespace of bundle signatures: the laptop signs and the bastion verifies in it. */
export const SIGNATURE_NAMESPACE = 'airgap-bundle';
