import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callCompanyApi } from '../../activities/tools/company-api';
import { isPublicAddress } from '../../activities/tools/public-address';
import { signatureOf } from '../../activities/tools/signature';
import { startFakeCompanyApi, verifySignature, type FakeCompanyApi } from '../fakes/company-api';

let company: FakeCompanyApi;
beforeAll(async () => {
  company = await startFakeCompanyApi();
});
afterAll(async () => {
  await company?.close();
});

const call = (url: string, allowPrivateUrls: boolean) =>
  callCompanyApi({ url, method: 'POST', secret: company.secret, idempotencyKey: 'k1', args: { a: 1 }, allowPrivateUrls });

describe('calling a company API', () => {
  it('tells public addresses from this machine, private networks and link-local ones', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '64:ff9b::a00:1', '::7f00:1', '2002:7f00:1::', 'fec0::1', '192.0.2.1', 'not-an-ip']) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(isPublicAddress(address), address).toBe(true);
  });

  it('refuses a loopback address, by number or by name, unless private addresses are allowed', async () => {
    const port = new URL(company.url).port;
    expect(await call(`http://127.0.0.1:${port}/x`, false)).toEqual({ error: expect.stringContaining('not allowed') as string });
    expect(await call(`http://localhost:${port}/x`, false)).toEqual({ error: expect.stringContaining('not allowed') as string });
    expect(company.requests).toHaveLength(0);
    expect(await call(`http://localhost:${port}/x`, true)).toMatchObject({ status: 200 });
  });

  it('signs the timestamp and body as the README says a company checks it', () => {
    const headers = { 'x-signature-timestamp': String(Math.floor(Date.now() / 1000)) };
    const signed = { ...headers, 'x-signature-256': signatureOf('s3cret-0123456789', Number(headers['x-signature-timestamp']), '{"a":1}') };
    expect(verifySignature('s3cret-0123456789', signed, '{"a":1}')).toBe(true);
    expect(verifySignature('s3cret-0123456789', signed, '{"a":2}')).toBe(false);
    expect(verifySignature('another-secret-000', signed, '{"a":1}')).toBe(false);
  });
});
