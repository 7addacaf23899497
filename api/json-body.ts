import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { HttpError } from './errors';
import { withoutNul } from './nul';

/**
 * Validates a JSON body, its text taken without NUL characters; a bad one is a 400 in the service's error shape,
 * naming the first problem.
 */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return zValidator('json', z.preprocess(withoutNul, schema), (result) => {
    if (!result.success) throw invalidBody(result.error);
  });
}

/** A body that does not fit its schema: 400, naming the first problem. */
export function invalidBody(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): HttpError {
  const issue = error.issues[0];
  return new HttpError(400, 'invalid_body', issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body');
}
