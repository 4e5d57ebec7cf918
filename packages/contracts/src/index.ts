export * from './common.js';
export * from './auth.js';
export * from './program.js';
export * from './rules.js';
