import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ivBytes = 12;
const tagBytes = 16;

/** A sealed secret: the key it was sealed with, and `base64(iv ‖ tag ‖ ciphertext)`. */
export interface Sealed {
  keyId: string;
  sealed: string;
}

/**
 * Tenants' credentials at rest: AES-256-GCM under the deployment's SECRETS_KEY, `id:base64-of-32-bytes[,id:…]`.
 * The first key seals; every key listed opens what was sealed with it, so a new key goes first and the old one stays
 * listed until every secret was sealed again. Each secret is bound to where it is kept (`context`, e.g.
 * `tenant:acme:twilio_auth_token`): moved to another tenant's row, it no longer opens.
 */
export class SecretBox {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    readonly writeKeyId: string,
  ) {}

  /** Reads SECRETS_KEY; throws in words what is wrong with it. */
  static parse(text: string): SecretBox {
    const keys = new Map<string, Buffer>();
    let first: string | null = null;
    for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      if (!/^[A-Za-z0-9_.-]{1,32}$/.test(id)) throw new Error('each key is id:base64, the id 1–32 letters, digits, "_", "." or "-"');
      const key = Buffer.from(entry.slice(colon + 1), 'base64');
      if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes in base64 (openssl rand -base64 32)`);
      if (keys.has(id)) throw new Error(`key ${id} is listed twice`);
      keys.set(id, key);
      first ??= id;
    }
    if (!first) throw new Error('give at least one key, id:base64');
    return new SecretBox(keys, first);
  }

  seal(plaintext: string, context: string): Sealed {
    const key = this.keys.get(this.writeKeyId) as Buffer;
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.writeKeyId, sealed: Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64') };
  }

  /** Throws SecretUnreadable when the key is no longer listed or the secret was altered or moved. */
  open({ keyId, sealed }: Sealed, context: string): string {
    const key = this.keys.get(keyId);
    if (!key) throw new SecretUnreadable(`sealed with key ${keyId}, which SECRETS_KEY no longer lists`);
    const bytes = Buffer.from(sealed, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, ivBytes));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
      return Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadable(`does not open with key ${keyId} (altered, or not this tenant's)`);
    }
  }
}

export class SecretUnreadable extends Error {
  constructor(message: string) {
    super(`a stored secret cannot be read: ${message}`);
    this.name = 'SecretUnreadable';
  }
}
