import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configKeys } from '../../config';
import { searchAttributeTypes } from '../../workflows/definitions';

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, { environment?: Record<string, string>; command?: string[] }>;
};

describe('docker-compose.yml', () => {
  it('runs postgres, temporal, its UI and the app', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'temporal', 'temporal-ui', 'temporal-search-attributes', 'app']),
    );
  });

  it('gives the app only settings the config knows, including every production key', () => {
    const names = Object.keys(compose.services.app?.environment ?? {});
    expect(names.filter((name) => !(configKeys as string[]).includes(name))).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining(['PUBLIC_BASE_URL', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']),
    );
  });

  it('registers every search attribute the workflow upserts, with its type', () => {
    const command = compose.services['temporal-search-attributes']?.command?.join(' ') ?? '';
    const listed = /for attribute in ([^;]+);/.exec(command)?.[1]?.trim().split(/\s+/) ?? [];
    expect(listed.sort()).toEqual(Object.entries(searchAttributeTypes).map(([name, type]) => `${name}:${type}`).sort());
  });
});
