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
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new HttpError(400, 'invalid_body', issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body');
    }
  });
}
