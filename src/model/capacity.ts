/**
 * What the far side can hold, in one place: the bundle limits and the CloudShell blocks read
 * these, so a warning and a refusal never disagree about the same archive.
 */

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** CloudShell's persistent home directory, where "Actions > Upload file" puts the archive. */
export const CLOUDSHELL_HOME_BYTES = GiB;

/** What the home already holds (shell files, caches) plus airgap.mjs and the sidecar. */
export const CLOUDSHELL_RESERVE_BYTES = 64 * MiB;

/** The largest archive CloudShell can take: above it, upload from another machine. */
export const CLOUDSHELL_ARCHIVE_BYTES = CLOUDSHELL_HOME_BYTES - CLOUDSHELL_RESERVE_BYTES;

/**
 * The largest archive airgap ships at all. The bastion downloads it and extracts it beside
 * itself in one paste, so it needs twice this free; above it, one bundle is the wrong unit.
 */
export const MAX_ARCHIVE_BYTES = 4 * GiB;
