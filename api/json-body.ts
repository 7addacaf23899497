import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import { HttpError } from './errors';

/** Validates a JSON body; a bad one is a 400 in the service's error shape, naming the first problem. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return zValidator('json', schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new HttpError(400, 'invalid_body', issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body');
    }
  });
}
