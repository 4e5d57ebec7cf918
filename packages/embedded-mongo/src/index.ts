export { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './server.js';
export { ServerError, ErrorCode } from './server-error.js';
export { embeddedServerNodeFlags } from './process-flags.js';
