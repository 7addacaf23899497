import type { CampaignView } from '../api/protocol/campaigns';
import { readFileSync } from 'node:fs';
import { tsToMs } from '@temporalio/common/lib/time';
import { sql } from 'kysely';
import { loadConfig } from '../config';
import { createDb } from '../db/connection';
import { createAgent } from '../db/repositories/agents';
import { createTwilioClient } from '../worker/clients';
import { cpuMs, cpuPerUnit, postgresCpuMs, selfCpuMs } from './cpu';
import type { BenchEnv } from './env';
import { childrenOf } from './processes';
import { percentile, round, sleep } from './stats';

const sender = '+15005550006';
const text = 'Hello from the bench';
const ratePerSecond = 100;
/** The window the pace is read over: the time between a message and the one 100 later at the fake Twilio. */
const window = 100;

/** The n-th distinct number of the audience: +1604559xxxx, then +1604560xxxx (Canadian numbers, all valid). */
const numberOf = (n: number) => `+1604${n < 10_000 ? '559' : '560'}${String(n % 10_000).padStart(4, '0')}`;

/** The same number written another way: a repeat the campaign must recognise. */
function rewritten(number: string, kind: number): string {
  const [area, exchange, line] = [number.slice(2, 5), number.slice(5, 8), number.slice(8)];
  return [`(${area}) ${exchange}-${line}`, `whatsapp:${number}`, `+1 ${area} ${exchange} ${line}`, `${area}.${exchange}.${line}`, `1-${area}-${exchange}-${line}`][kind % 5] as string;
}

const malformed = ['call me', '12', 'abc', '+1', 'n/a'];

/**
 * The audience: `entries` people, of whom 98 % distinct valid numbers, 1.5 % repeats of earlier ones written another
 * way, 0.5 % not numbers; and 1 % of the distinct numbers opted out of SMS. 10,000 entries: 9,800 distinct, 150
 * repeats, 50 malformed, 100 opted out, 9,650 to send.
 */
export function campaignAudience(entries: number) {
  const duplicates = Math.round(entries * 0.015);
  const invalid = Math.round(entries * 0.005);
  const distinct = entries - duplicates - invalid;
  const optedOutCount = Math.round(entries * 0.01);
  const audience: { phone: string }[] = [];
  const duplicateEvery = Math.floor(distinct / duplicates);
  const invalidEvery = Math.floor(distinct / invalid);
  let repeated = 0;
  let broken = 0;
  for (let n = 0; n < distinct; n += 1) {
    audience.push({ phone: numberOf(n) });
    // A repeat of a number given a little earlier, and now and then something that is no number.
    if (n % duplicateEvery === duplicateEvery - 1 && repeated < duplicates) audience.push({ phone: rewritten(numberOf(n - (repeated % 7)), repeated++) });
    if (n % invalidEvery === invalidEvery - 1 && broken < invalid) audience.push({ phone: malformed[broken++ % malformed.length] as string });
  }
  // Spread over the list, so opted-out people come up in many slices.
  const optOutEvery = Math.floor(distinct / optedOutCount);
  const optedOut = Array.from({ length: optedOutCount }, (_, k) => numberOf(k * optOutEvery + (k % optOutEvery)));
  const out = new Set(optedOut);
  const recipients = Array.from({ length: distinct }, (_, n) => numberOf(n)).filter((number) => !out.has(number));
  return { audience, distinct, duplicates: repeated, invalid: broken, optedOut, recipients };
}

/** utime, stime, cutime, cstime of a process from `/proc`, in milliseconds (100 ticks a second). */
function times(pid: number): number[] {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 15).map((ticks) => Number(ticks) * 10);
  } catch {
    return [0, 0, 0, 0];
  }
}

/**
 * The CPU of the bench's own PostgreSQL server: its postmaster, its live processes, and the backends that exited
 * (their time is added to the postmaster's when it reaps them). Unlike a sum over the live `postgres` processes of the
 * machine, it neither drops a connection closed mid-run nor counts another server on the same machine.
 */
function clusterCpuMs(postmaster: number): number {
  const [user = 0, system = 0, children = 0, childrenSystem = 0] = times(postmaster);
  return user + system + children + childrenSystem + childrenOf(postmaster).reduce((total, pid) => total + (times(pid)[0] ?? 0) + (times(pid)[1] ?? 0), 0);
}

/** The postmaster of the server `db` is connected to (the parent of its backend); null if it is not on this machine. */
async function postmasterOf(db: ReturnType<typeof createDb>): Promise<number | null> {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  try {
    const stat = readFileSync(`/proc/${rows[0]?.pid}/stat`, 'utf8');
    if (!stat.includes('(postgres)')) return null;
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) || null;
  } catch {
    return null;
  }
}

interface Arrival {
  to: string;
  from: string;
  body: string;
  at: number;
}

/** The pace at the fake Twilio: the time from each message to the one `window` later, and the whole run's rate. */
function pace(arrivals: Arrival[]) {
  const per100: number[] = [];
  for (let k = 0; (k + 1) * window < arrivals.length; k += 1) per100.push((arrivals[(k + 1) * window]?.at ?? 0) - (arrivals[k * window]?.at ?? 0));
  const first = arrivals[0]?.at ?? 0;
  const last = arrivals.at(-1)?.at ?? 0;
  const seconds = (last - first) / 1000;
  return {
    messages: arrivals.length,
    sendingSeconds: round(seconds, 2),
    messagesPerSecond: round((arrivals.length - 1) / seconds),
    msPer100: { p50: round(percentile(per100, 50)), p90: round(percentile(per100, 90)), max: round(percentile(per100, 100)), windows: per100.length },
  };
}

/** Every `sendCampaignSlice` of the campaign's workflow (through its continued runs): when it started and ended. */
async function slicesOf(env: BenchEnv, workflowId: string) {
  const slices: { started: number; completed: number }[] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    const started = new Map<string, number>();
    const scheduledAs = new Map<string, string>();
    const run: { started: number; completed: number }[] = [];
    for (const event of events) {
      const id = String(event.eventId);
      if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'sendCampaignSlice') scheduledAs.set(id, 'slice');
      const start = event.activityTaskStartedEventAttributes;
      if (start && scheduledAs.has(String(start.scheduledEventId))) started.set(String(start.scheduledEventId), tsToMs(event.eventTime));
      const done = event.activityTaskCompletedEventAttributes;
      const at = started.get(String(done?.scheduledEventId));
      if (done && at !== undefined) run.push({ started: at, completed: tsToMs(event.eventTime) });
    }
    slices.unshift(...run);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    if (!runId) break;
  }
  const busy = slices.map((s) => s.completed - s.started);
  // From one slice's end to the next one's start: the activity's result recorded, a workflow task, the next scheduled and picked up.
  const between = slices.slice(1).map((s, i) => s.started - (slices[i]?.completed ?? s.started));
  return {
    count: slices.length,
    activityMs: { p50: round(percentile(busy, 50)), p90: round(percentile(busy, 90)) },
    betweenMs: { p50: round(percentile(between, 50)), p90: round(percentile(between, 90)) },
  };
}

/**
 * An outbound SMS campaign through the public API, to `entries` people at 100 messages a second: a sender number and
 * a project added by a tenant admin, 1 % of the audience opted out beforehand, the campaign created (its repeats and
 * non-numbers skipped at once) and polled until done; then every count checked, and every message at the fake Twilio
 * (each person once). Floor, in the same run: the same messages posted straight to the fake Twilio's Messages.json
 * with the real `twilio` client, one after another, no faster than the campaign's rate. The difference is what the
 * campaign machinery costs: the workflow's slices, an outbox row per message, the opt-out check, the conversation
 * entering the project, the recipient marked.
 */
export async function campaignBenchmark(env: BenchEnv, options: { entries: number; timeoutMs?: number }) {
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const plan = campaignAudience(options.entries);
  const db = createDb(env.databaseUrl, { max: 2 });
  const product = await env.startProduct({});
  const arrivals: Arrival[] = [];
  const previousOnSent = env.twilio.onSent;
  env.twilio.onSent = (message) => arrivals.push({ to: message.to, from: message.from, body: message.body, at: performance.now() });
  const postmaster = await postmasterOf(db);
  const parts = {
    api: () => cpuMs(product.api.pid),
    worker: () => cpuMs(product.worker.pid),
    temporal: () => cpuMs(env.temporal.pid),
    postgres: postmaster ? () => clusterCpuMs(postmaster) : postgresCpuMs,
    'load generator and fakes': selfCpuMs,
  };
  try {
    const { token } = await createAgent(db, { tenantId: 'default', name: 'Campaign bench admin', role: 'admin' });
    const api = async <T>(path: string, init: { method?: string; body?: unknown } = {}, expected: number[] = [200]): Promise<T> => {
      const response = await fetch(`${product.apiUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      if (!expected.includes(response.status)) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    await api('/api/settings/numbers', { method: 'POST', body: { number: sender } }, [200, 201]);
    const { project } = await api<{ project: { id: string } }>('/api/settings/projects', { method: 'POST', body: { name: 'Bench outreach', senderNumber: sender } }, [201]);
    await db
      .insertInto('opt_outs')
      .values(plan.optedOut.map((contact_key) => ({ tenant_id: 'default', contact_key, channel: 'sms', reason: 'bench' })))
      .execute();

    // The floor: the same messages straight to Twilio's Messages.json, in order, no faster than the campaign's rate.
    const twilio = createTwilioClient(loadConfig({ TWILIO_ACCOUNT_SID: env.twilio.accountSid, TWILIO_AUTH_TOKEN: env.twilio.authToken, TWILIO_API_BASE_URL: env.twilio.url }));
    const statusCallback = `${product.apiUrl}/webhooks/twilio/status`;
    console.error(`campaign: floor, ${plan.recipients.length} messages straight to Twilio at ≤ ${ratePerSecond}/s`);
    const floorCpu = await cpuPerUnit(parts, plan.recipients.length, async () => {
      const started = performance.now();
      for (const [index, to] of plan.recipients.entries()) {
        const due = started + (index * 1000) / ratePerSecond;
        if (due > performance.now()) await sleep(due - performance.now());
        await twilio.messages.create({ to, from: sender, body: text, statusCallback });
      }
    });
    const floorArrivals = arrivals.splice(0);
    const floor = { ...pace(floorArrivals), wallSeconds: round(floorCpu.wallMs / 1000, 2), cpuMsPerMessage: floorCpu.cpuMsPerUnit };
    console.error(`campaign: floor ${JSON.stringify(floor)}`);

    console.error(`campaign: ${options.entries} entries, ${plan.recipients.length} to send at ${ratePerSecond}/s`);
    type View = { id: string; status: string; createdAt: string; finishedAt: string | null; counts: Counts };
    let created: View | undefined;
    let done: View | undefined;
    let createMs = 0;
    let doneMs = 0;
    const pollMs: number[] = [];
    const bodyBytes = Buffer.byteLength(JSON.stringify({ project: project.id, channel: 'sms', template: { body: text }, audience: plan.audience, ratePerSecond }));
    const productCpu = await cpuPerUnit(parts, plan.recipients.length, async () => {
      const posted = performance.now();
      ({ campaign: created } = await api<{ campaign: View }>(
        '/api/campaigns',
        { method: 'POST', body: { project: project.id, channel: 'sms', template: { body: text }, audience: plan.audience, ratePerSecond } },
        [201],
      ));
      createMs = performance.now() - posted;
      const deadline = posted + timeoutMs;
      for (;;) {
        const asked = performance.now();
        const { campaign } = await api<{ campaign: View }>(`/api/campaigns/${created?.id}`);
        pollMs.push(performance.now() - asked);
        if (campaign.status === 'done' || campaign.status === 'cancelled') {
          done = campaign;
          doneMs = performance.now() - posted;
          break;
        }
        if (performance.now() > deadline) throw new Error(`campaign ${created?.id} not done after ${timeoutMs / 1000} s: ${JSON.stringify(campaign)}`);
        await sleep(1000);
      }
    });
    if (!created || !done) throw new Error('no campaign');
    const campaignArrivals = arrivals.splice(0);
    const slices = await slicesOf(env, `campaign:${created.id}`);
    const measured = pace(campaignArrivals);
    const result = {
      ratePerSecond,
      audience: { entries: plan.audience.length, distinct: plan.distinct, duplicates: plan.duplicates, invalid: plan.invalid, optedOut: plan.optedOut.length, toSend: plan.recipients.length },
      product: {
        createMs: round(createMs),
        bodyBytes,
        // `GET /api/campaigns/:id` (its counts read from the recipients and their messages) while it ran.
        pollMs: { p50: round(percentile(pollMs, 50)), max: round(percentile(pollMs, 100)), polls: pollMs.length },
        // From the campaign's own timestamps (the database's clock): created to finished.
        createdToFinishedSeconds: round((Date.parse(done.finishedAt ?? '') - Date.parse(done.createdAt)) / 1000, 2),
        // From the POST to the first poll that saw it done (polled every second).
        postToDoneSeconds: round(doneMs / 1000, 1),
        ...measured,
        slices,
        cpuMsPerMessage: productCpu.cpuMsPerUnit,
        status: done.status,
        counts: done.counts,
      },
      floor,
      ratios: {
        sendingTime: round(measured.sendingSeconds / floor.sendingSeconds, 2),
        msPer100P50: round(measured.msPer100.p50 / floor.msPer100.p50, 2),
        messagesPerSecond: round(measured.messagesPerSecond / floor.messagesPerSecond, 2),
        cpuPerMessage: round(sum(productCpu.cpuMsPerUnit) / sum(floorCpu.cpuMsPerUnit), 2),
      },
      checks: check(plan, done, campaignArrivals, floorArrivals),
    };
    console.error(`campaign: ${JSON.stringify(result)}`);
    const failed = Object.entries(result.checks).filter(([, c]) => !c.ok);
    if (failed.length > 0) {
      throw new Error(`campaign checks failed: ${failed.map(([name, c]) => `${name}: expected ${c.expected}, got ${c.actual}`).join('; ')} (${JSON.stringify(result)})`);
    }
    return result;
  } finally {
    env.twilio.onSent = previousOnSent;
    await product.stop();
    await db.destroy();
  }
}

type Counts = CampaignView['counts'];

const sum = (cpu: Record<string, number>) => Object.values(cpu).reduce((a, b) => a + b, 0);

/** What must hold: the counts, and each person at the fake Twilio once, from the sender, with the text. */
function check(plan: ReturnType<typeof campaignAudience>, done: { status: string; counts: Counts }, sent: Arrival[], floor: Arrival[]) {
  const out = new Set(plan.optedOut);
  const expected = new Set(plan.recipients);
  const is = (expectedValue: number | string, actual: number | string) => ({ ok: expectedValue === actual, expected: expectedValue, actual });
  const { counts } = done;
  return {
    status: is('done', done.status),
    audience: is(plan.audience.length, counts.audience),
    duplicate: is(plan.duplicates, counts.skipped.duplicate),
    invalid: is(plan.invalid, counts.skipped.invalid),
    optedOut: is(plan.optedOut.length, counts.skipped.opted_out),
    sent: is(plan.recipients.length, counts.sent),
    queued: is(0, counts.queued),
    failed: is(0, counts.failed),
    atTwilio: is(plan.recipients.length, sent.length),
    distinctAtTwilio: is(plan.recipients.length, new Set(sent.map((m) => m.to)).size),
    toOptedOut: is(0, sent.filter((m) => out.has(m.to)).length),
    notInAudience: is(0, sent.filter((m) => !expected.has(m.to)).length),
    fromOrTextOtherwise: is(0, sent.filter((m) => m.from !== sender || m.body !== text).length),
    floorAtTwilio: is(plan.recipients.length, floor.length),
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- reads the results file as written */
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** The campaign figures as Markdown: the campaign beside its floor, its slices, CPU per message, what was checked. */
export function formatCampaignTables(campaign: any): string[] {
  const { product, floor, ratios, audience } = campaign;
  const names = [...new Set([...Object.keys(product.cpuMsPerMessage ?? {}), ...Object.keys(floor.cpuMsPerMessage ?? {})])];
  const total = (cpu: Record<string, number>) => round(Object.values(cpu ?? {}).reduce((a, b) => a + b, 0));
  const counts = product.counts;
  const failedChecks = Object.entries(campaign.checks ?? {}).filter(([, c]: [string, any]) => !c.ok);
  return [
    `### Outbound campaign: ${audience.entries} entries (${audience.distinct} distinct numbers, ${audience.duplicates} repeats written another way, ${audience.invalid} not numbers, ${audience.optedOut} opted out), ${audience.toSend} SMS at ≤ ${campaign.ratePerSecond}/s`,
    table(
      ['', 'messages', 'first → last message s', 'messages/s', 'ms per 100 messages p50', 'p90', 'max'],
      [
        ['campaign', product.messages, product.sendingSeconds, product.messagesPerSecond, product.msPer100.p50, product.msPer100.p90, product.msPer100.max],
        ['floor: `twilio` client straight to Messages.json', floor.messages, floor.sendingSeconds, floor.messagesPerSecond, floor.msPer100.p50, floor.msPer100.p90, floor.msPer100.max],
        ['ratio', '', `${ratios.sendingTime}×`, `${ratios.messagesPerSecond}×`, `${ratios.msPer100P50}×`, '', ''],
      ],
    ),
    `Create (POST, ${audience.entries} entries, ${Math.round(product.bodyBytes / 1024)} KiB): ${product.createMs} ms. \`GET /api/campaigns/:id\` while it ran: ${product.pollMs.p50} ms p50, ${product.pollMs.max} max (${product.pollMs.polls} polls). Created → done (the campaign's own timestamps): ${product.createdToFinishedSeconds} s; POST → done seen (polled every second): ${product.postToDoneSeconds} s. ` +
      `Slices: ${product.slices.count}, each ${product.slices.activityMs.p50} ms p50 (${product.slices.activityMs.p90} p90) in its activity, ${product.slices.betweenMs.p50} ms p50 (${product.slices.betweenMs.p90} p90) from one slice's end to the next one's start.`,
    `CPU per message (ms; the campaign from POST to done, the floor while it sent; campaign ${ratios.cpuPerMessage}× the floor):`,
    table(['', ...names, 'total'], [
      ['campaign', ...names.map((n) => product.cpuMsPerMessage?.[n] ?? '–'), total(product.cpuMsPerMessage)],
      ['floor', ...names.map((n) => floor.cpuMsPerMessage?.[n] ?? '–'), total(floor.cpuMsPerMessage)],
    ]),
    `Final counts: sent ${counts.sent}, queued ${counts.queued}, failed ${counts.failed}; skipped: duplicate ${counts.skipped.duplicate}, invalid ${counts.skipped.invalid}, opted out ${counts.skipped.opted_out}. ` +
      (failedChecks.length === 0 ? `Every check held: each of the ${audience.toSend} people once at Twilio, none opted out, none twice.` : `Checks failed: ${failedChecks.map(([name]) => name).join(', ')}.`),
  ];
}
