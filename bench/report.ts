import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatCampaignTables } from './campaign';
import { formatInboxTables } from './inbox';

/* eslint-disable @typescript-eslint/no-explicit-any -- reads the results file as written, whatever its vintage */

const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/**
 * Several runs' results as one: every number is the median of its values across the runs (a ratio is the median of
 * the per-run ratios, each measured within its run); anything else is taken from the first run.
 */
export function medianOfRuns(runs: any[]): any {
  const merged = mergeMedian(runs);
  return { ...merged, when: runs.map((r) => r.when).join(', '), runs: runs.length };
}

function mergeMedian(values: any[]): any {
  const first = values[0];
  if (typeof first === 'number') {
    const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
    if (numbers.length === 0) return first;
    const middle = Math.floor(numbers.length / 2);
    if (numbers.length % 2) return numbers[middle];
    return Math.round((((numbers[middle - 1] ?? 0) + (numbers[middle] ?? 0)) / 2) * 1000) / 1000;
  }
  if (Array.isArray(first)) return first.map((_, i) => mergeMedian(values.map((v) => v?.[i])));
  if (first && typeof first === 'object') {
    return Object.fromEntries(Object.keys(first).map((key) => [key, mergeMedian(values.map((v) => v?.[key]))]));
  }
  return first;
}

/** The results of one run as Markdown tables (what `npm run bench` prints, and what bench/README.md quotes). */
export function formatReport(results: any): string {
  const runs = results.runs ? `Median of ${results.runs} runs (${results.when})` : `Run ${results.when}`;
  const niced = results.workerNiceness ? `, worker processes at nice ${results.workerNiceness}` : '';
  const parts: string[] = [`${runs} (${results.mode}${niced}), ${results.machine.cpus} cores, ${results.machine.cpu}, Node ${results.machine.node}`];
  const ack = results.webhookAck;
  if (ack?.points) {
    parts.push(
      '### Webhook acknowledgement (ms)',
      table(
        [
          'offered rate/s', 'webhook achieved/s', 'webhook p50', 'webhook p99', 'errors', 'bare Hono p50', 'bare Hono p99',
          'signalWithStart achieved/s', 'signalWithStart p50', 'signalWithStart p99', 'p99 ratio to signalWithStart',
          'webhook p50, worker stopped', 'webhook p99, worker stopped',
        ],
        ack.points.map((p: any, i: number) => [
          p.webhook.rate,
          Math.round(p.webhook.achieved),
          p.webhook.p50,
          p.webhook.p99,
          p.webhook.errors,
          p.bareHono.p50,
          p.bareHono.p99,
          Math.round(p.bareSignal.achieved),
          Math.round(p.bareSignal.p50),
          Math.round(p.bareSignal.p99),
          ack.ratios.p99VsBareSignal[i].ratio,
          ack.webhookWithoutWorker?.[i]?.p50 ?? '–',
          ack.webhookWithoutWorker?.[i]?.p99 ?? '–',
        ]),
      ),
      `Highest rate held (p99 < 100 ms, no errors): webhook ${ack.highestRateHeld.webhook}/s, bare Hono ${ack.highestRateHeld.bareHono}/s, bare signalWithStart ${ack.highestRateHeld.bareSignal}/s. ` +
        `Closed-loop maximum (32 in flight): webhook ${ack.maxThroughput.webhook}/s, bare signalWithStart ${ack.maxThroughput.bareSignal}/s, ratio ${ack.ratios.throughputVsBareSignal}.`,
    );
  }
  const overhead = results.overhead;
  if (overhead?.product) {
    parts.push(
      '### Orchestration overhead: webhook accepted → reply at Twilio (ms)',
      table(
        ['', 'product p50', 'product p99', 'floor p50', 'floor p99', 'p50 ratio'],
        (['sequential', 'concurrent'] as const).map((k) => [
          k === 'sequential' ? 'sequential' : 'concurrent conversations',
          overhead.product[k].p50,
          overhead.product[k].p99,
          overhead.floor[k].p50,
          overhead.floor[k].p99,
          overhead.ratios[`${k}P50`],
        ]),
      ),
    );
    const productCpu = overhead.product.concurrent.cpuMsPerTurn;
    const floorCpu = overhead.floor.concurrent.cpuMsPerTurn;
    if (productCpu && floorCpu) {
      const names = [...new Set([...Object.keys(productCpu), ...Object.keys(floorCpu)])];
      const sum = (cpu: Record<string, number>) => Math.round(Object.values(cpu).reduce((a, b) => a + b, 0) * 10) / 10;
      parts.push(
        `CPU per turn during the concurrent rounds (ms; turns per second: product ${overhead.product.concurrent.turnsPerSecond}, floor ${overhead.floor.concurrent.turnsPerSecond}):`,
        table(
          ['', ...names, 'total'],
          [
            ['product', ...names.map((n) => productCpu[n] ?? '–'), sum(productCpu)],
            ['floor', ...names.map((n) => floorCpu[n] ?? '–'), sum(floorCpu)],
          ],
        ),
      );
    }
  }
  const cost = results.cost;
  if (cost?.promptTokens) {
    parts.push(
      '### Cost',
      `LLM calls per burst of ${cost.burstSize} messages: ${cost.callsPerBurst}.`,
      table(['messages in the conversation', ...Object.keys(cost.promptTokens)], [['prompt tokens per turn', ...Object.values(cost.promptTokens) as number[]]]),
      `Growth from message 50 to the last checkpoint: ×${cost.growthFrom50}.`,
    );
  }
  const capacity = results.capacity;
  if (capacity?.levels) {
    parts.push(
      `### Capacity (worker cache ${capacity.workerCache} workflows)`,
      table(
        ['live conversations', 'worker RSS MiB', 'API RSS MiB', 'Temporal RSS MiB', 'created/s', 'one more message p50 ms', 'p99 ms', 'sampled', 'failed'],
        capacity.levels.map((l: any) => [
          l.conversations,
          l.workerMiB,
          l.apiMiB,
          l.temporalMiB,
          l.fillRatePerSecond,
          l.oneMoreMessage.p50,
          l.oneMoreMessage.p99,
          l.oneMoreMessage.sampled,
          l.oneMoreMessage.failed,
        ]),
      ),
      ...capacity.levels
        .filter((l: any) => l.everyOne)
        .map(
          (l: any) =>
            `Every one of the ${l.conversations} conversations then got one more message: ${l.everyOne.answered} answered, ` +
            `${l.everyOne.failed} failed, in ${l.everyOne.seconds} s (${l.everyOne.perSecond}/s, 48 at a time).`,
        ),
    );
  }
  /** A streaming scenario's timings beside its floor's, and CPU per turn while many ran at once. */
  const streamingTables = (title: string, who: string, floor: string, one: any, many: any, count: number) => {
    const row = (label: string, part: any) => [label, part.product.firstToken.p50, part.product.firstToken.p99, part.bare.firstToken.p50, part.bare.firstToken.p99, part.firstTokenOverheadMs.p50, part.firstTokenOverheadMs.p99, part.product.lastToken.p50, part.product.lastToken.p99, part.bare.lastToken.p50, part.bare.lastToken.p99];
    parts.push(
      title,
      table(
        [who, 'product first p50', 'product first p99', `${floor} first p50`, `${floor} first p99`, 'first-token overhead p50', 'first-token overhead p99', 'product last p50', 'product last p99', `${floor} last p50`, `${floor} last p99`],
        [row('1', one), row(String(count), many)],
      ),
    );
    const cpu = many.cpuMsPerTurn;
    if (!cpu) return;
    const names = [...new Set([...Object.keys(cpu.product), ...Object.keys(cpu.bare)])];
    const total = (part: Record<string, number>) => Math.round(Object.values(part).reduce((a, b) => a + b, 0) * 10) / 10;
    parts.push(
      `CPU per turn with ${count} ${who} at once (ms):`,
      table(['', ...names, 'total'], [
        ['product', ...names.map((n) => cpu.product[n] ?? '–'), total(cpu.product)],
        [floor, ...names.map((n) => cpu.bare[n] ?? '–'), total(cpu.bare)],
      ]),
    );
  };
  const voice = results.voice;
  if (voice?.oneCall) {
    const title = `### Voice: prompt to token (ms; the model writes a token every ${voice.tokenDelayMs} ms)`;
    streamingTables(title, 'calls', 'bare relay', voice.oneCall, voice.concurrentCalls, voice.concurrentCalls.calls);
  }
  const web = results.web;
  if (web?.oneVisitor) {
    const title = `### Web chat: message to token (ms; the model writes a token every ${web.tokenDelayMs} ms)`;
    streamingTables(title, 'visitors', 'bare endpoint', web.oneVisitor, web.concurrentVisitors, web.concurrentVisitors.visitors);
  }
  const tools = results.toolRound;
  if (tools?.plainMs) {
    parts.push(
      `### One tool round against a turn without tools (webhook accepted → reply at Twilio, ms; ${tools.turns} turns of each, alternating; instant model)\n\n` +
        table(
          ['turn', 'p50', 'p99', 'added (p50)', 'ratio (p50)'],
          [
            ['no tool', tools.plainMs.p50, tools.plainMs.p99, '', ''],
            ['one read tool (`search_knowledge`)', tools.readToolMs.p50, tools.readToolMs.p99, tools.readAddedMs, `${tools.readRatio}×`],
            ['one write tool (`create_booking`, exactly once)', tools.writeToolMs.p50, tools.writeToolMs.p99, tools.writeAddedMs, `${tools.writeRatio}×`],
          ],
        ),
    );
  }
  if (results.inbox?.levels) parts.push(...formatInboxTables(results.inbox));
  if (results.campaign?.product) parts.push(...formatCampaignTables(results.campaign));
  for (const [key, value] of Object.entries(results)) {
    if ((value as any)?.error) parts.push(`**${key} failed:** ${(value as any).error}`);
  }
  return parts.join('\n\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: tsx bench/report.ts bench/results/<file>.json [more files: their medians]');
    process.exit(2);
  }
  const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')));
  console.log(formatReport(runs.length > 1 ? medianOfRuns(runs) : runs[0]));
}
