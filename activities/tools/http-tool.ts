import { createHash } from 'node:crypto';
import { log } from '@temporalio/activity';
import { z } from 'zod';
import { callCompanyApi } from './company-api';
import { refused, type ToolDefinition } from './tool';
import type { HttpTool } from '../../db/schema';
import { SecretUnreadable } from '../../config/secrets';
import { httpToolSecret } from '../../db/repositories/http-tools';

/** Names a declared tool may take: what the model's API accepts, and none the service has itself. */
export const httpToolName = /^[a-z][a-z0-9_]{0,63}$/;

/** Checks a declared JSON schema of arguments the way calls will be checked; the reason when it cannot be. */
export function argumentSchemaProblem(parameters: Record<string, unknown>): string | null {
  if (parameters.type !== 'object') return 'parameters must be a JSON schema of type "object"';
  try {
    z.fromJSONSchema(parameters as Parameters<typeof z.fromJSONSchema>[0]);
    return null;
  } catch (error) {
    return `parameters is not a JSON schema this service can check arguments against: ${(error as Error).message}`;
  }
}

/** A company's API, declared by the tenant (`POST /api/tools`), as a tool like any other. */
export function httpToolDefinition(row: HttpTool): ToolDefinition {
  return {
    name: row.name,
    description: row.description,
    args: z.fromJSONSchema(row.parameters as Parameters<typeof z.fromJSONSchema>[0]) as z.ZodType<Record<string, unknown>>,
    parameters: row.parameters,
    // A declaration is never changed, only removed and declared again: its time stands for its secret.
    fingerprint: createHash('sha256').update(JSON.stringify([row.url, row.method, row.parameters, row.effect, row.created_at.toISOString()])).digest('hex'),
    kind: row.effect,
    pack: 'custom',
    approval: row.approval,
    run: async (args, context) => {
      const secret = await httpToolSecret(context.db, context.secrets, row).catch((error: unknown) => {
        if (!(error instanceof SecretUnreadable)) throw error;
        log.warn("a declared API's signing secret does not open", { tool: row.name, tenantId: row.tenant_id, reason: error.message });
        return null;
      });
      // No retry can open it: the model is told the call did not happen.
      if (secret === null) return refused(`${row.name} cannot be called now (its signing secret cannot be read); it did not run`);
      return callCompanyApi({
        url: row.url,
        method: row.method,
        secret,
        idempotencyKey: context.callKey,
        args,
        allowPrivateUrls: context.allowPrivateUrls,
        signal: context.signal,
      });
    },
  };
}
