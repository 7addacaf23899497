import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { createEmbedder } from '../activities/knowledge/embeddings';
import { findPassages } from '../activities/knowledge/find-passages';
import { knowledgeIngestWorkflowId, startIngest } from '../api/knowledge-runs';
import { createDb } from '../db/connection';
import { documentFromSource, getDocument, listDocuments, removeDocument } from '../db/repositories/knowledge';
import { ingestProgress, type IngestProgress } from '../db/repositories/knowledge-ingests';
import { getTenant } from '../db/repositories/tenants';
import { collect, progressLine, summaryText } from './kb-ingest';
import { runEval } from './kb-eval';
import { serviceConfig, stop, stopIfUnreachable } from './service-env';

const usage = `usage: npm run kb -- <command> [--tenant ID] [--json]
  ingest <folder|file|url|url-list> [--prune]  add or update documents (Markdown, text, HTML, PDF; a .urls file lists pages)
  list                                         the tenant's documents
  remove <id|source>                           remove a document
  search "<question>" [--limit N]              the passages a question finds
  eval [--set FILE]                            recall@5, MRR and false answers, full text alone and hybrid
Beside a running npm start it uses that start's database, Temporal and embeddings; else DATABASE_URL, TEMPORAL_ADDRESS
and EMBEDDINGS_* say where they are. Exit status: 0 done, 1 could not run, 2 some documents failed.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string', default: 'default' },
    json: { type: 'boolean', default: false },
    prune: { type: 'boolean', default: false },
    limit: { type: 'string', default: '5' },
    set: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const [command, argument] = positionals;

if (values.help || !command) stop(usage, values.help ? 0 : 1);
const config = serviceConfig();
if (!config.DATABASE_URL) stop('DATABASE_URL is not set and no npm start runs in this project: start one (npm start), or say where the database is.');
const db = createDb(config.DATABASE_URL, { max: 2 });
const json = values.json;
const print = (value: unknown, text: () => string) => console.log(json ? JSON.stringify(value, null, 2) : text());

try {
  if (!(await getTenant(db, values.tenant))) stop(`no tenant ${values.tenant}`);
  switch (command) {
    case 'ingest':
      process.exitCode = await ingest(argument ?? stop(`${usage}\n\ningest: which folder, file or URL?`));
      break;
    case 'list': {
      const documents = await listDocuments(db, values.tenant, { limit: 10_000, offset: 0 });
      print(documents, () =>
        documents.length === 0
          ? 'No documents.'
          : documents.map((d) => `${d.id}  ${d.title}  (${d.source}, ${d.kind}, ${d.chunks} passage${d.chunks === 1 ? '' : 's'}, ${d.updatedAt.toISOString().slice(0, 16)})`).join('\n'),
      );
      break;
    }
    case 'remove': {
      const target = argument ?? stop(`${usage}\n\nremove: which document (its id or source)?`);
      const id = /^[0-9a-f-]{36}$/i.test(target)
        ? target
        : (await documentFromSource(db, values.tenant, target))?.id;
      const document = id ? await getDocument(db, values.tenant, id) : undefined;
      if (!document || !(await removeDocument(db, values.tenant, document.id))) stop(`no document ${target} in tenant ${values.tenant}`);
      print({ removed: document }, () => `Removed ${document.title} (${document.source}).`);
      break;
    }
    case 'search': {
      const question = argument ?? stop(`${usage}\n\nsearch: what question?`);
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50) stop('--limit: a whole number from 1 to 50');
      const hits = await findPassages(db, createEmbedder(config), values.tenant, question, limit);
      print(hits, () =>
        hits.length === 0
          ? 'Nothing in the knowledge base answers that.'
          : hits
              .map(
                (h, i) =>
                  `[${i + 1}] ${h.section}  (${h.sure ? 'sure' : 'unsure'}; words ${h.matched}/${h.contentWords}${h.similarity === null ? '' : `, similarity ${h.similarity.toFixed(3)}`})\n` +
                  `    ${h.content.replace(/\s+/g, ' ').slice(0, 240)}\n    ${h.url ?? h.source}`,
              )
              .join('\n'),
      );
      break;
    }
    case 'eval':
      await runEval(db, config, { tenantId: values.tenant, setFile: values.set, json });
      break;
    default:
      stop(`${usage}\n\nno command ${command}`);
  }
} catch (error) {
  stopIfUnreachable(error);
  throw error;
} finally {
  await db.destroy();
}

/** Stages the target's documents, starts the run and follows it to its end; 2 when a document failed. */
async function ingest(target: string): Promise<number> {
  let collected;
  try {
    collected = collect(target);
  } catch (error) {
    stop((error as Error).message);
  }
  if (values.prune && collected.folder === null) stop('--prune works on a folder: it removes the documents of files no longer in it');
  if (collected.items.length === 0 && !values.prune) stop(`${target}: no Markdown, text, HTML or PDF files in it`);
  if (!config.TEMPORAL_ADDRESS) stop('TEMPORAL_ADDRESS is not set and no npm start runs in this project: start one (npm start), or say where Temporal is.');
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const started = Date.now();
    const ingestId = await startIngest(db, temporal, config.TEMPORAL_TASK_QUEUE, {
      tenantId: values.tenant,
      items: collected.items,
      prunePrefix: values.prune ? collected.folder : null,
    });
    const handle = temporal.workflow.getHandle(knowledgeIngestWorkflowId(ingestId));
    if (!json) console.error(`Ingesting ${collected.items.length} documents (run ${ingestId}, workflow ${handle.workflowId})${collected.skipped.length > 0 ? `; ${collected.skipped.length} other files left out` : ''}`);
    const tty = process.stderr.isTTY && !json;
    let progress: IngestProgress | undefined;
    let lastShown = '';
    let lastChange = Date.now();
    let warned = false;
    for (let tick = 0; ; tick += 1) {
      progress = await ingestProgress(db, values.tenant, ingestId);
      if (!progress) throw new Error(`run ${ingestId} vanished`);
      const line = progressLine(progress);
      if (line !== lastShown) {
        lastChange = Date.now();
        if (tty) process.stderr.write(`\r${line}`);
        else if (!json) console.error(line);
        lastShown = line;
      }
      if (progress.status !== 'running') break;
      if (!warned && Date.now() - lastChange > 15_000 && progress.done === 0) {
        warned = true;
        console.error(`${tty ? '\n' : ''}Nothing ingested yet: is a worker running on task queue ${config.TEMPORAL_TASK_QUEUE}? (npm start runs one.) The run goes on once one does.`);
      }
      if (tick % 10 === 9) {
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') {
          progress = (await ingestProgress(db, values.tenant, ingestId)) ?? progress;
          if (progress.status === 'running') throw new Error(`the run's workflow ended ${status.name.toLowerCase()} before it finished: see ${handle.workflowId} in the Temporal UI`);
          break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (tty) process.stderr.write('\n');
    const seconds = (Date.now() - started) / 1000;
    print({ ...progress, seconds, skipped: collected.skipped }, () => summaryText(progress, target, seconds));
    return progress.status === 'failed' || progress.failed > 0 ? 2 : 0;
  } finally {
    await connection.close();
  }
}
