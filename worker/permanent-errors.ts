import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { isRefusedData } from '../db/errors';

/** The failure type of an activity whose data the database refuses: not retried, the workflow decides what then. */
const refusedDataType = 'RefusedData';

/**
 * Every activity's errors pass here: data the database refuses fails at once, non-retryable, wherever it is first
 * seen, instead of being retried forever by a policy that waits for time to fix it.
 */
export class PermanentErrorsInterceptor implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (error) {
      if (isRefusedData(error)) throw ApplicationFailure.nonRetryable(`the database refused the data (${error.code}): ${error.message}`, refusedDataType);
      throw error;
    }
  }
}
