/**
 * airgap's pure parsers, for tools that read its files without running a command:
 * `import { parseMarker, TranscriptParser, parseBundleSpec } from 'airgap/parsers'`.
 * None of them touches the file system, the clock, git or the network; each takes text and
 * returns data (or throws AirgapError naming the file and line).
 */

export { detectWrapWidth, displayWidth } from './ingest/clean/wrap.js';
export { countOutcome, readSummary } from './ingest/outcome/outcome.js';
export { type Attempt, type ParseEvent, TranscriptParser } from './ingest/parse/parser.js';
export { formatMarker, MARKER_PREFIX, type Marker, parseMarker } from './model/markers.js';
export { parseRecord } from './model/record.js';
export { type BundleSpec, parseBundleSpec } from './model/spec.js';
export { findSecrets, maskSecrets } from './secrets/index.js';
