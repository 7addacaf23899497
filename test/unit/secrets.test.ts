import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretUnreadable } from '../../config/secrets';
import { loadConfig } from '../../config';

const key = () => randomBytes(32).toString('base64');

describe('the secret box (SECRETS_KEY)', () => {
  it('seals with the first key, opens with any listed, and only in the place it was sealed for', () => {
    const [oldKey, newKey] = [key(), key()];
    const before = SecretBox.parse(`k1:${oldKey}`);
    const sealed = before.seal('auth-token-of-acme', 'tenant:acme:twilio_auth_token');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.sealed).not.toContain('auth-token');
    expect(before.open(sealed, 'tenant:acme:twilio_auth_token')).toBe('auth-token-of-acme');
    // Two seals of one secret differ (a fresh IV each).
    expect(before.seal('auth-token-of-acme', 'tenant:acme:twilio_auth_token').sealed).not.toBe(sealed.sealed);

    // A new key goes first: it seals, and the old one still opens what it sealed.
    const rotated = SecretBox.parse(`k2:${newKey},k1:${oldKey}`);
    expect(rotated.open(sealed, 'tenant:acme:twilio_auth_token')).toBe('auth-token-of-acme');
    expect(rotated.seal('x', 'c').keyId).toBe('k2');
    // Once the old key is gone, what it sealed says so rather than opening wrongly.
    expect(() => SecretBox.parse(`k2:${newKey}`).open(sealed, 'tenant:acme:twilio_auth_token')).toThrow(/key k1, which SECRETS_KEY no longer lists/);

    // Moved to another tenant, or altered, it does not open.
    expect(() => before.open(sealed, 'tenant:other:twilio_auth_token')).toThrow(SecretUnreadable);
    const bytes = Buffer.from(sealed.sealed, 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    expect(() => before.open({ keyId: 'k1', sealed: bytes.toString('base64') }, 'tenant:acme:twilio_auth_token')).toThrow(SecretUnreadable);
  });

  it('refuses a SECRETS_KEY it cannot use, in words', () => {
    for (const [value, words] of [
      ['nokey', 'id:base64'],
      [`k1:${randomBytes(16).toString('base64')}`, 'key k1 must be 32 bytes'],
      [`k1:${key()},k1:${key()}`, 'key k1 is listed twice'],
      [`bad id:${key()}`, 'the id 1–32 letters'],
    ]) {
      expect(() => loadConfig({ SECRETS_KEY: value }), value).toThrow(words);
    }
    expect(loadConfig({}).SECRETS_KEY).toBeNull();
    expect(loadConfig({ SECRETS_KEY: `k1:${key()}` }).SECRETS_KEY?.writeKeyId).toBe('k1');
  });
});
