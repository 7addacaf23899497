// What every refusal of the API answers (`api/errors.ts`), whoever reads it: a machine's code and a person's words.
// The browser code imports the type only.
import { z } from '@hono/zod-openapi';

/** Every error the API answers: one shape, whatever went wrong (malformed JSON, a refused token, a missing row). */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: 'A stable, machine-readable reason: `invalid_body`, `not_found`, `number_taken`…', example: 'not_found' }),
      message: z.string().openapi({ description: 'What went wrong, in words for a person.' }),
    }),
  })
  .openapi('Error');

export type ErrorBody = z.infer<typeof errorBodySchema>;
