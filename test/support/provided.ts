import type {} from 'vitest';

/** Values the global setup hands to every test file through `inject()`. */
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    testServerPath: string;
    /** The workflow code, bundled once for the run (each file bundling its own cost seconds). */
    workflowBundlePath: string;
  }
}
