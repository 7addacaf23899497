import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../../devkit/free-port';

/**
 * The npm scripts a person runs beside `npm start` (npm run sms, npm run call, npm run agent:create) say in one line
 * what they could not reach, and fail, rather than printing a stack.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function run(script: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // stdin stays open and empty: npm run call would wait for the caller's words after a call was answered.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

function oneLine(stderr: string): string {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return stderr;
}

describe('with the service down', () => {
  it('npm run sms names the URL it could not reach and that npm start must run', async () => {
    const base = `http://127.0.0.1:${await freePort()}`;
    const result = await run('scripts/send-sms.ts', ['+16045550100', 'Hello'], { PUBLIC_BASE_URL: base });
    expect(oneLine(result.stderr)).toContain(`Cannot reach the service at ${base}/webhooks/twilio/messaging (nothing is listening there)`);
    expect(result.stderr).toContain('npm start must be running');
    expect(result.status).toBe(1);
  });

  it('npm run call says the same', async () => {
    const base = `http://127.0.0.1:${await freePort()}`;
    const result = await run('scripts/call.ts', ['+16045550100'], { PUBLIC_BASE_URL: base });
    expect(oneLine(result.stderr)).toContain(`Cannot reach the service at ${base} (nothing is listening there)`);
    expect(result.stderr).toContain('npm start must be running');
    expect(result.status).toBe(1);
  });

  it('npm run agent:create names the PostgreSQL it could not reach, without its password', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const result = await run('scripts/create-agent.ts', ['--name', 'Ada'], { DATABASE_URL: `postgres://postgres:secret@${host}/conversations` });
    expect(oneLine(result.stderr)).toContain(`Cannot reach PostgreSQL at ${host} (nothing is listening there)`);
    expect(result.stderr).not.toContain('secret');
    expect(result.status).toBe(1);
  });

  it('npm run agent:create says when the database has not been migrated yet', async () => {
    const database = new URL(inject('databaseUrl'));
    // A search path with no tables on it: the database as it is before the service's first start.
    database.searchParams.set('options', '-c search_path=nothing_migrated');
    const result = await run('scripts/create-agent.ts', ['--name', 'Ada'], { DATABASE_URL: database.toString() });
    expect(oneLine(result.stderr)).toContain('has no tables yet: start the service once (it migrates), or run npm run migrate');
    expect(result.status).toBe(1);
  });
});
