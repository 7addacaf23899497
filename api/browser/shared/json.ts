/**
 * A JSON answer of this service, typed as api/protocol/ says: the route that wrote it is checked against the same
 * type, so the browser trusts the server here, in one place, rather than in every caller.
 */
export async function readJson<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
