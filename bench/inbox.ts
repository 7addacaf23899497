import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { createDb } from '../db/connection';
import { createAgent } from '../db/repositories/agents';
import { listInbox, type InboxFilter } from '../db/repositories/inbox';
import { upsertTenant } from '../db/repositories/tenants';
import type { Database } from '../db/schema';
import type { BenchEnv } from './env';
import { inboxSearchTerms, seedInbox } from './inbox-seed';
import { percentile, round } from './stats';

const tenantId = 'bench-inbox';
const pageSize = 50;
/** The page a deep read times: the agent who scrolled ten pages down. */
const deepPage = 10;

/** One list the agent asks for: its query string, and the same as the repository's filter. */
interface InboxQuery {
  label: string;
  params: Record<string, string>;
  filter: Omit<InboxFilter, 'tenantId' | 'agentId' | 'limit'>;
}

type Timings = { p50: number; p90: number };
const summary = (samples: number[]): Timings => ({ p50: round(percentile(samples, 50), 2), p90: round(percentile(samples, 90), 2) });

/**
 * The agent inbox's list and search (`GET /api/conversations`) on one tenant with `levels` conversations in turn
 * (seeded in bulk, each level on top of the one before): the first page, a page ten pages down, a rare status, a
 * channel, a common and a rare word, four digits of a number and a name, each `repetitions` times over HTTP to the
 * API process and straight through the repository function, in rounds that take every query once. The floor is the
 * same HTTP round trip to `GET /api/me` (the same bearer-token check, one small query), in the same rounds. At the
 * largest level, each query's plan (EXPLAIN ANALYZE): the indexes it used, and any sequential scan.
 */
export async function inboxBenchmark(env: BenchEnv, options: { levels: number[]; repetitions: number }) {
  const db = createDb(env.databaseUrl, { max: 1 });
  const seeder = new pg.Client({ connectionString: env.databaseUrl });
  await seeder.connect();
  const product = await env.startProduct({});
  try {
    await upsertTenant(db, { id: tenantId, name: 'Inbox bench', system_prompt: '' });
    const { agent, token } = await createAgent(db, { tenantId, name: 'Inbox bench agent' });
    const get = async (path: string) => {
      const response = await fetch(`${product.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { conversations?: unknown[]; nextCursor?: string | null };
    };
    const levels: Record<string, unknown>[] = [];
    let seeded = 0;
    let queries: Record<string, InboxQuery> = {};
    let digits: string | undefined;
    for (const level of options.levels) {
      const started = performance.now();
      await seedInbox(seeder, tenantId, agent.id, seeded, level);
      seeded = level;
      const seedSeconds = round((performance.now() - started) / 1000);
      const { rows } = await seeder.query<{ messages: number }>('select count(*)::int as messages from messages where tenant_id = $1', [tenantId]);
      console.error(`inbox: ${level} conversations, ${rows[0]?.messages} messages seeded in ${seedSeconds} s`);
      // The last four digits of one seeded US number, as an agent types what they remember of it; the same at every level.
      digits ??= await lastFourDigits(seeder);
      queries = await inboxQueries(get, digits);
      const measured = await measure(db, get, agent.id, queries, options.repetitions);
      levels.push({ conversations: level, messages: rows[0]?.messages, seedSeconds, ...measured });
      console.error(`inbox: ${JSON.stringify(levels.at(-1))}`);
    }
    const plans = await explainAll(env.databaseUrl, agent.id, queries);
    return { tenant: tenantId, pageSize, repetitions: options.repetitions, levels, plans: { conversations: seeded, queries: plans } };
  } finally {
    await product.stop();
    await seeder.end();
    await db.destroy();
  }
}

/** The queries, with the deep page's cursor found by following the list from its top. */
async function inboxQueries(
  get: (path: string) => Promise<{ nextCursor?: string | null }>,
  digits: string,
): Promise<Record<string, InboxQuery>> {
  let cursor: string | null = null;
  for (let page = 1; page < deepPage; page += 1) {
    const next: string | null | undefined = (await get(`/api/conversations?limit=${pageSize}${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
    if (!next) break;
    cursor = next;
  }
  const after = cursor ? readCursor(cursor) : undefined;
  return {
    firstPage: { label: `first page (limit ${pageSize})`, params: {}, filter: {} },
    deepPage: { label: `page ${deepPage} (cursor)`, params: cursor ? { cursor } : {}, filter: { after } },
    waiting: { label: 'status=waiting (1 %)', params: { status: 'waiting' }, filter: { status: 'waiting' } },
    channel: { label: 'channel=voice', params: { channel: 'voice' }, filter: { channel: 'voice' } },
    commonWord: { label: `q=${inboxSearchTerms.commonWord} (common word)`, params: { q: inboxSearchTerms.commonWord }, filter: { q: inboxSearchTerms.commonWord } },
    rareWord: { label: `q=${inboxSearchTerms.rareWord} (rare word)`, params: { q: inboxSearchTerms.rareWord }, filter: { q: inboxSearchTerms.rareWord } },
    digits: { label: `q=${digits} (four digits of a number)`, params: { q: digits }, filter: { q: digits } },
    name: { label: `q=${inboxSearchTerms.name} (a name)`, params: { q: inboxSearchTerms.name }, filter: { q: inboxSearchTerms.name } },
  };
}

async function lastFourDigits(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ contact_key: string }>(
    `select contact_key from conversations where tenant_id = $1 and contact_key like '+1%' order by contact_key offset 100 limit 1`,
    [tenantId],
  );
  return (rows[0]?.contact_key ?? '+12015550123').slice(-4);
}

function readCursor(cursor: string): { at: string; id: string } {
  const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
  return { at, id };
}

const pathOf = (query: InboxQuery) => `/api/conversations?${new URLSearchParams({ limit: String(pageSize), ...query.params })}`;

/**
 * Every query and the floor once per round, over HTTP and through the repository, after a few rounds of warm-up: a
 * pause of the machine lands on all of them alike.
 */
async function measure(
  db: Kysely<Database>,
  get: (path: string) => Promise<{ conversations?: unknown[] }>,
  agentId: string,
  queries: Record<string, InboxQuery>,
  repetitions: number,
) {
  const names = Object.keys(queries);
  const http: Record<string, number[]> = Object.fromEntries(['floor', ...names].map((n) => [n, []]));
  const repository: Record<string, number[]> = Object.fromEntries(['floor', ...names].map((n) => [n, []]));
  const found: Record<string, number> = {};
  const time = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  const warmUp = Math.min(10, repetitions);
  for (let pass = 0; pass < warmUp + repetitions; pass += 1) {
    const keep = pass >= warmUp;
    const floorMs = await time(() => get('/api/me'));
    const floorRepositoryMs = await time(() => sql`select 1`.execute(db));
    if (keep) {
      http.floor?.push(floorMs);
      repository.floor?.push(floorRepositoryMs);
    }
    for (const name of names) {
      const query = queries[name] as InboxQuery;
      let rows = 0;
      const httpMs = await time(async () => {
        rows = (await get(pathOf(query))).conversations?.length ?? 0;
      });
      const repositoryMs = await time(() => listInbox(db, { tenantId, agentId, ...query.filter, limit: pageSize + 1 }));
      found[name] = rows;
      if (keep) {
        http[name]?.push(httpMs);
        repository[name]?.push(repositoryMs);
      }
    }
  }
  const floor = summary(http.floor ?? []);
  return {
    floorMs: floor,
    repositoryFloorMs: summary(repository.floor ?? []),
    queries: Object.fromEntries(
      names.map((name) => {
        const httpMs = summary(http[name] ?? []);
        return [
          name,
          {
            label: queries[name]?.label,
            rows: found[name],
            httpMs,
            repositoryMs: summary(repository[name] ?? []),
            ratioToFloor: { p50: round(httpMs.p50 / floor.p50, 2), p90: round(httpMs.p90 / floor.p90, 2) },
          },
        ];
      }),
    ),
  };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/**
 * Each query's plan as the repository runs it: its execution time (without per-node timing, whose clock reads in
 * every loop of every subplan would inflate it), the indexes it used, its sequential scans.
 */
async function explainAll(databaseUrl: string, agentId: string, queries: Record<string, InboxQuery>) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  let compiled: CompiledQuery | undefined;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') compiled = event.query;
    },
  });
  const plans: Record<string, { executionMs: number; indexes: string[]; seqScans: string[] }> = {};
  try {
    for (const [name, query] of Object.entries(queries)) {
      await listInbox(db, { tenantId, agentId, ...query.filter, limit: pageSize + 1 });
      if (!compiled) continue;
      const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
        `explain (analyze, buffers, timing off, format json) ${compiled.sql}`,
        [...compiled.parameters],
      );
      const [explained] = rows[0]?.['QUERY PLAN'] ?? [];
      if (!explained) continue;
      const indexes = new Set<string>();
      // A sequential scan with its loops: once (a hashed subplan) is a table read whole per query, more is per row.
      const seqScans = new Map<string, number>();
      const walk = (node: PlanNode) => {
        if (node['Index Name']) indexes.add(node['Index Name']);
        const relation = node['Relation Name'];
        if (node['Node Type'] === 'Seq Scan' && relation) seqScans.set(relation, (seqScans.get(relation) ?? 0) + (node['Actual Loops'] ?? 1));
        node.Plans?.forEach(walk);
      };
      walk(explained.Plan);
      plans[name] = {
        executionMs: round(explained['Execution Time'], 2),
        indexes: [...indexes],
        seqScans: [...seqScans].map(([relation, loops]) => `${relation} ×${loops}`),
      };
      console.error(
        `inbox plan, ${query.label}: ${plans[name].executionMs} ms; indexes ${[...indexes].join(', ') || 'none'}; ` +
          `sequential scans ${plans[name].seqScans.join(', ') || 'none'}`,
      );
    }
  } finally {
    await db.destroy();
  }
  return plans;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- reads the results file as written */
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** The inbox figures as Markdown: one table per level, and each query's plan at the largest. */
export function formatInboxTables(inbox: any): string[] {
  const parts: string[] = [];
  for (const level of inbox.levels ?? []) {
    const rows = Object.values(level.queries ?? {}).map((q: any) => [
      q.label,
      q.httpMs.p50,
      q.httpMs.p90,
      `${q.ratioToFloor.p50}×`,
      `${q.ratioToFloor.p90}×`,
      q.repositoryMs.p50,
      q.repositoryMs.p90,
      q.rows,
    ]);
    parts.push(
      `### Inbox list and search, ${level.conversations} conversations, ${level.messages} messages (ms; ${inbox.repetitions} of each)`,
      table(
        ['query', 'HTTP p50', 'HTTP p90', '× floor p50', '× floor p90', 'repository p50', 'repository p90', 'rows'],
        [['floor: `GET /api/me`', level.floorMs.p50, level.floorMs.p90, '1×', '1×', level.repositoryFloorMs.p50, level.repositoryFloorMs.p90, ''], ...rows],
      ),
    );
  }
  const plans = inbox.plans?.queries;
  if (plans) {
    parts.push(
      `Plans at ${inbox.plans.conversations} conversations (EXPLAIN (ANALYZE, BUFFERS, TIMING OFF), one run each):`,
      table(
        ['query', 'execution ms', 'indexes', 'sequential scans (× loops)'],
        Object.entries(plans).map(([name, p]: [string, any]) => [
          inbox.levels?.at(-1)?.queries?.[name]?.label ?? name,
          p.executionMs,
          p.indexes.join(', ') || '–',
          p.seqScans.join(', ') || 'none',
        ]),
      ),
    );
  }
  return parts;
}
