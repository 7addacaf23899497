/**
 * PostgreSQL errors that no retry can cure: the data itself is refused (class 22: a NUL in text, a malformed date,
 * a value out of range) or breaks a rule of the table that will not change (NOT NULL, CHECK). Unique and foreign
 * key violations are left out: between two writers racing, the next attempt can find the row it expected.
 */
const permanentCodes = /^(22[0-9A-Z]{3}|23502|23514)$/;

export function isRefusedData(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error) || !('severity' in error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && permanentCodes.test(code);
}
