/**
 * Words the bastion's helpers print and ingest reads back. Here, with no imports, so that ingest
 * reads them without loading the shell-block generators (layering.test keeps paste/ out of it).
 */

/** airgap_run's refusal when helpers.sh is missing: its load failed its check, or never ran. */
export const HELPERS_MISSING = 'helpers not loaded or damaged';

/**
 * airgap_run's refusal of bundle `block`'s unit in a shell holding bundle `helpers`' helpers:
 * the helper block prints it with `%s` for both, and ingest reads it back (paste-trouble.ts)
 * with a group for `block` and nothing after the words.
 */
export function foreignBlockLine(block: string, helpers: string): string {
  return `airgap: this block is for ${block}; the helpers in this shell are for ${helpers}`;
}
