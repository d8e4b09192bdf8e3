/** The `.checks-out` configuration: parsing, validation, rendering, legacy `.lgtm`, deployment file (spec §2). */
export * from './types.js';
export { parseConfig, defaultConfig } from './parse.js';
export { renderConfig, renderPolicy, type JsonObject, type JsonValue } from './render.js';
export { parseHjson, toPlain, type HNode, type HEntry, type HjsonDocument } from './hjson-parse.js';
export { positionIndex, type Pos } from './positions.js';
export { ALL_CAPABILITIES } from './validate.js';
export {
  defaultAudit, defaultComment, defaultCommit, defaultDeploy, defaultFeedback, defaultMaintainers, defaultMerge, defaultTag,
  emptyScope, DEFAULT_MATCH_TEXT, DEFAULT_AUTHORMATCH_TEXT,
} from './defaults.js';
export { parseDeployments } from './deployment.js';
export { parseLegacyConfig, lgtmToChecksOut } from './legacy.js';
export { configToHjson, configToEnc, type EncodeConfigOptions } from './encode-config.js';
export { encodeHjson, needsQuotes, type EncValue, type EncField, type EncodeOptions } from './hjson-encode.js';
