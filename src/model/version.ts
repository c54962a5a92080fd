/** airgap's version: part of every bundle's content hash, since it decides the generated scripts. */
export const GENERATOR_VERSION = '0.1.0';
