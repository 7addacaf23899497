/** What every refusal of the API answers (`api/errors.ts`), whoever reads it: a machine's code and a person's words. */
export interface ErrorBody {
  error: { code: string; message: string };
}
