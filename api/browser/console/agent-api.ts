import type { ErrorBody } from '../../protocol/error-body';
import { readJson } from '../shared/json';
import { signOut } from './sign-out';
import { state } from './state';

/** A refusal of the agent API: its words, and its code (`whatsapp_window_closed`, `handoff_claimed`…). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Calls the agent API with the agent's token, as any other client does; its answer is typed as api/protocol/ says. A
 * refusal throws its words; a token no longer valid signs the agent out.
 */
export async function api<T = unknown>(path: string, init: { method?: string; body?: string; idempotencyKey?: string } = {}): Promise<T> {
  const { idempotencyKey, ...request } = init;
  const headers: Record<string, string> = { authorization: `Bearer ${state.token}` };
  if (request.body) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const response = await fetch(path, { ...request, headers });
  if (response.status === 401) {
    signOut('Your token is no longer valid.');
    throw new Error('unauthorized');
  }
  const body = response.status === 204 ? null : await readJson<T>(response);
  const refusal = (body as Partial<ErrorBody> | null)?.error;
  if (!response.ok) throw new ApiError(refusal?.message ?? `request failed (${response.status})`, refusal?.code ?? 'failed');
  return body as T;
}
