/**
 * Words the bastion's helpers print and ingest reads back. Here, with no imports, so that ingest
 * reads them without loading the shell-block generators (layering.test keeps paste/ out of it).
 */

/** airgap_run's refusal when helpers.sh is missing: its load failed its check, or never ran. */
export const HELPERS_MISSING = 'helpers not loaded or damaged';
