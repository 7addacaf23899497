import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';

describe('loadConfig', () => {
  it('fills the embedded defaults and freezes the result', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      PUBLIC_BASE_URL: 'http://localhost:3000',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'conversations',
      TWILIO_API_BASE_URL: 'https://api.twilio.com',
      BATCH_QUIET_MS: 1500,
      BATCH_MAX_WAIT_MS: 8000,
      CONVERSATION_IDLE_MS: 1_800_000,
      REDACT_PII: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every bad key at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url', TWILIO_ACCOUNT_SID: 'XX1', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const keys = (error as ConfigError).problems.map((p) => p.split(':')[0]).sort();
      expect(keys).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'TWILIO_ACCOUNT_SID']);
    }
  });

  it('requires the deployment keys in production, all listed', () => {
    expect(() => loadConfig({}, { requireProduction: true })).toThrow(
      /PUBLIC_BASE_URL: required[\s\S]*DATABASE_URL: required[\s\S]*TEMPORAL_ADDRESS: required[\s\S]*TWILIO_ACCOUNT_SID: required[\s\S]*TWILIO_AUTH_TOKEN: required/,
    );
  });

  it('treats empty strings as unset and trims a trailing slash from the public URL', () => {
    const config = loadConfig({ OPENAI_API_KEY: '', PUBLIC_BASE_URL: 'https://example.com/' });
    expect(config.OPENAI_API_KEY).toBeUndefined();
    expect(config.PUBLIC_BASE_URL).toBe('https://example.com');
  });

  it('refuses a batch cap shorter than the quiet window', () => {
    expect(() => loadConfig({ BATCH_QUIET_MS: '5000', BATCH_MAX_WAIT_MS: '1000' })).toThrow(/BATCH_MAX_WAIT_MS/);
  });
});
