export type { ChannelConfig, Config, ServerConfig, SourceConfig, StatusPageConfig } from './types.js';
export { checkConfig, loadConfig, parseConfig, type ParseOptions, type ParseResult } from './load.js';
export { ConfigError, formatProblem, type Problem } from './problem.js';
export { CONFIG_SCHEMA_URL, configSchema } from './schema.js';
export { DEFAULTS, DIGEST_ROUTE } from './defaults.js';
export type { Env } from './env.js';
export { parseServerEntry, type ServerEntryResult } from './server-entry.js';
export type { RawServer, RawConfig } from './raw.js';
