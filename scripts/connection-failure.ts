/** Node's codes for a connection that could not be made, in words. */
const reasons: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there',
  ECONNRESET: 'the connection was cut',
  EHOSTUNREACH: 'the host cannot be reached',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
};

/**
 * Why `error` is a failure to connect, in words, or null when it is something else. fetch wraps the socket's error
 * in `cause`; a host with several addresses fails with one error for each.
 */
export function connectionFailure(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code in reasons) return reasons[code] ?? null;
  const inner = error instanceof AggregateError ? (error.errors as unknown[]) : [error.cause];
  return inner.map(connectionFailure).find(Boolean) ?? null;
}
