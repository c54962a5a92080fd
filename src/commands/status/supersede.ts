// The supersede rules live beside PENDING-CHANGES.md (docs/), which applies them too: one
// rule set for status, PENDING-CHANGES.md and CURRENT-STATE.md.
export {
  currentDeployments,
  findSuperseded,
  groupMissingImages,
  type SupersededEntry,
  specNameOf,
} from '../../docs/supersede.js';
