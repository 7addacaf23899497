import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { parseVariant } from '../activities/replay/variant';
import { replayReport, reportHtml } from '../activities/replay/report';
import { replayWorkflowId, startReplay } from '../api/replay-runs';
import { createDb } from '../db/connection';
import { getReplay } from '../db/repositories/replays';
import { getTenant } from '../db/repositories/tenants';
import { projectRoot } from '../devkit/python-tools';
import { isIsoDate } from '../domain/time-zone';
import { progressBar } from './kb-ingest';
import { serviceConfig, stop, stopIfUnreachable } from './service-env';

const usage = `usage: npm run replay -- --from YYYY-MM-DD --to YYYY-MM-DD --variant FILE [--conversations N] [--judge MODEL] [--tenant ID] [--out DIR] [--json]
Re-drives the customer turns of the conversations of those days (inclusive, in the tenant's time zone) against the
variant, a JSON file { "systemPrompt"?, "model"?, "knowledge"?: { "tenantId" }, "tools"?: [names] }, outside the live
conversations: read tools run, write tools never do (their recorded outcome stands in), nothing is sent. Writes the
report as HTML and JSON (the paths printed; also at GET /api/replays/:id). --judge asks that model whether each
changed answer is better, the same or worse.`;

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    variant: { type: 'string' },
    conversations: { type: 'string' },
    judge: { type: 'string' },
    tenant: { type: 'string', default: 'default' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) stop(usage, 0);
if (!values.from || !values.to || !values.variant) stop(usage);
if (!isIsoDate(values.from) || !isIsoDate(values.to) || values.from > values.to) stop('--from and --to: dates as YYYY-MM-DD, --from not after --to');
const limit = values.conversations === undefined ? undefined : Number(values.conversations);
if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) stop('--conversations: a whole number of 1 or more');
let variant;
try {
  variant = parseVariant(readFileSync(values.variant, 'utf8'));
} catch (error) {
  stop(`${values.variant}: ${(error as Error).message}`);
}
const config = serviceConfig();
if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) stop('DATABASE_URL and TEMPORAL_ADDRESS are not set and no npm start runs in this project: start one (npm start), or say where they are.');
if (values.judge && !config.OPENAI_API_KEY) stop('--judge needs a model endpoint (OPENAI_API_KEY)');
if (variant.model && !config.OPENAI_API_KEY) stop('the variant names a model, but no model endpoint is configured (OPENAI_API_KEY)');

const db = createDb(config.DATABASE_URL, { max: 2 });
try {
  if (!(await getTenant(db, values.tenant))) stop(`no tenant ${values.tenant}`);
  if (variant.knowledge && !(await getTenant(db, variant.knowledge.tenantId))) stop(`the variant's knowledge: no tenant ${variant.knowledge.tenantId}`);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const started = await startReplay(db, temporal, config.TEMPORAL_TASK_QUEUE, {
      tenantId: values.tenant,
      from: values.from,
      to: values.to,
      ...(limit ? { conversations: limit } : {}),
      variant,
      judgeModel: values.judge ?? null,
      maxToolRounds: config.LLM_MAX_TOOL_ROUNDS,
    });
    if (!started) stop(`No conversation of tenant ${values.tenant} had a customer message from ${values.from} to ${values.to}.`);
    if (!values.json) console.error(`Replaying ${started.conversations} conversations (replay ${started.id}, workflow ${replayWorkflowId(started.id)})`);
    const tty = process.stderr.isTTY && !values.json;
    let shown = '';
    const handle = temporal.workflow.getHandle(replayWorkflowId(started.id));
    for (let tick = 0; ; tick += 1) {
      const replay = await getReplay(db, values.tenant, started.id);
      if (!replay) throw new Error(`replay ${started.id} vanished`);
      if (replay.status === 'running' && tick % 20 === 19) {
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') stop(`the replay's workflow ended ${status.name.toLowerCase()} before it finished: see ${handle.workflowId} in the Temporal UI`);
      }
      const line = `${progressBar(replay.done, started.conversations)} ${replay.done}/${started.conversations} conversations`;
      if (line !== shown && !values.json) {
        if (tty) process.stderr.write(`\r${line}`);
        else console.error(line);
        shown = line;
      }
      if (replay.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (tty) process.stderr.write('\n');
    const report = await replayReport(db, values.tenant, started.id);
    if (!report) throw new Error(`replay ${started.id} vanished`);
    const dir = resolve(values.out ?? join(process.env.DEV_DATA_DIR ?? join(projectRoot, '.data'), 'replays'));
    mkdirSync(dir, { recursive: true });
    const files = { html: join(dir, `${report.id}.html`), json: join(dir, `${report.id}.json`) };
    writeFileSync(files.html, reportHtml(report));
    writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
    const t = report.totals;
    if (values.json) console.log(JSON.stringify({ ...report, files }, null, 2));
    else {
      console.log(
        [
          `${t.changed} of ${t.turns} turns answered differently${report.judgeModel ? ` (judge: ${t.verdicts.better} better, ${t.verdicts.same} same, ${t.verdicts.worse} worse)` : ''}.`,
          `Model cost: recorded $${t.recordedCostUsd.toFixed(4)}, variant $${t.variantCostUsd.toFixed(4)}; median model time per turn: recorded ${t.recordedLatencyMs} ms, variant ${t.variantLatencyMs} ms.`,
          ...(report.error ? [`The replay stopped: ${report.error}`] : []),
          `Report: ${files.html}`,
          `        ${files.json}`,
        ].join('\n'),
      );
    }
    if (report.status !== 'done') process.exitCode = 1;
  } finally {
    await connection.close();
  }
} catch (error) {
  stopIfUnreachable(error);
  throw error;
} finally {
  await db.destroy();
}
