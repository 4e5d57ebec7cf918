import { describe, expect, it } from 'vitest';
import { ConfigError, launcherEnvironment, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('refuses to boot in production without a JWT secret, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required in production/);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', PORT: 'eighty' })).toThrow(/PORT: Expected number/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(
      /JWT_SECRET: must be at least 32 characters/,
    );
  });

  it('accepts a production configuration with real secrets', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(48), PORT: '8080' });
    expect(config).toMatchObject({ isProduction: true, port: 8080, seedDemo: false });
  });

  it('refuses the sandbox clock in production, naming SANDBOX_CLOCK', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(48) };
    expect(() => loadConfig({ ...production, SANDBOX_CLOCK: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, SANDBOX_CLOCK: 'true' })).toThrow(/SANDBOX_CLOCK/);
    expect(loadConfig({ ...production, SANDBOX_CLOCK: 'false' }).sandboxClock).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', SANDBOX_CLOCK: 'true' }).sandboxClock).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).sandboxClock).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'test', SANDBOX_CLOCK: 'yes' })).toThrow(/SANDBOX_CLOCK/);
  });

  it('caps access tokens at 15 minutes', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', ACCESS_TOKEN_TTL_SECONDS: '3600' })).toThrow(
      /ACCESS_TOKEN_TTL_SECONDS/,
    );
  });

  it('turns the sandbox clock on for `pnpm start` unless told otherwise or in production', () => {
    expect(launcherEnvironment({}).SANDBOX_CLOCK).toBe('true');
    expect(launcherEnvironment({ SANDBOX_CLOCK: 'false' }).SANDBOX_CLOCK).toBe('false');
    expect(launcherEnvironment({ NODE_ENV: 'production' }).SANDBOX_CLOCK).toBeUndefined();
  });
});
