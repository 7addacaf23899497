import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { webhookAckBenchmark } from './ack';
import { campaignBenchmark } from './campaign';
import { capacityBenchmark } from './capacity';
import { costBenchmark } from './cost';
import { startBenchEnv } from './env';
import { inboxBenchmark } from './inbox';
import { overheadBenchmark } from './overhead';
import { toolRoundBenchmark } from './tool-round';
import { voiceBenchmark } from './voice';
import { webBenchmark } from './web';
import { formatReport, medianOfRuns } from './report';

/**
 * `npm run bench` or `npm run bench -- --quick`: every figure measured beside its floor in the same run, on a real
 * Temporal dev server and PostgreSQL with instant Twilio and OpenAI fakes. Writes bench/results/<timestamp>.json
 * and prints a summary. `--runs=N` repeats the whole run N times and adds the medians; `--only=ack,overhead`
 * picks scenarios; `--profile` has the service's processes write CPU profiles.
 */
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const want = (name: string) => !only || only.includes(name);
const plan = quick
  ? { rates: [25, 100], seconds: 3, settleMs: 5000, sequential: 10, concurrent: 10, rounds: 2, bursts: 5, burstSize: 3, messages: 100, levels: [100, 300], sample: 20, cache: 50, voiceTurns: 10, voiceCalls: 20, voiceCallTurns: 2, webTurns: 10, webVisitors: 50, webVisitorTurns: 2, toolTurns: 10, inboxLevels: [500, 2000], inboxRepetitions: 20, campaignEntries: 1000 }
  : { rates: [25, 50, 75, 100, 150], seconds: 10, settleMs: 15_000, sequential: 100, concurrent: 50, rounds: 5, bursts: 30, burstSize: 5, messages: 500, levels: [1000, 5000, 10_000], sample: 200, cache: 500, voiceTurns: 50, voiceCalls: 20, voiceCallTurns: 5, webTurns: 50, webVisitors: 50, webVisitorTurns: 4, toolTurns: 50, inboxLevels: [1000, 10_000], inboxRepetitions: 200, campaignEntries: 10_000 };

// --profile: the service's processes write V8 CPU profiles (read them with `npx tsx bench/profile.ts <dir>`).
const profileDir = process.argv.includes('--profile') ? fileURLToPath(new URL(`./profiles/${Date.now()}`, import.meta.url)) : undefined;
// --nice-workers: every worker process (the product's and the floors') at lower CPU priority than the rest.
const workerNiceness = process.argv.includes('--nice-workers') ? 10 : undefined;
const runs = Math.max(1, Number(process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 1));
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const resultFile = (when: string, suffix = '') => new URL(`./results/${when}${suffix}.json`.replace(/:/g, '-'), import.meta.url);
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };

/** One run: a fresh Temporal dev server and database, every wanted scenario, its results file. */
async function runOnce(): Promise<{ results: Record<string, unknown>; failed: boolean; file: URL }> {
  const env = await startBenchEnv({ profileDir, workerNiceness });
  const results: Record<string, unknown> = {
    when: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    machine,
    ...(workerNiceness ? { workerNiceness } : {}),
  };
  // [key in the results, name for --only, title, run]
  const scenarios: [string, string, string, () => Promise<unknown>][] = [
    ['webhookAck', 'ack', 'webhook acknowledgement', () => webhookAckBenchmark(env, { rates: plan.rates, seconds: plan.seconds, settleMs: plan.settleMs })],
    ['overhead', 'overhead', 'orchestration overhead', () => overheadBenchmark(env, { sequential: plan.sequential, concurrent: plan.concurrent, rounds: plan.rounds })],
    ['toolRound', 'tools', 'one tool round against a turn without tools', () => toolRoundBenchmark(env, { turns: plan.toolTurns })],
    ['cost', 'cost', 'cost', () => costBenchmark(env, { bursts: plan.bursts, burstSize: plan.burstSize, messages: plan.messages })],
    ['capacity', 'capacity', 'capacity', () => capacityBenchmark(env, { levels: plan.levels, sample: plan.sample, cache: plan.cache })],
    [
      'voice',
      'voice',
      'voice: prompt to first and last token',
      () => voiceBenchmark(env, { turns: plan.voiceTurns, concurrent: plan.voiceCalls, concurrentTurns: plan.voiceCallTurns, tokenDelayMs: 20 }),
    ],
    [
      'web',
      'web',
      'web chat: message to first and last token',
      () => webBenchmark(env, { turns: plan.webTurns, concurrent: plan.webVisitors, concurrentTurns: plan.webVisitorTurns, tokenDelayMs: 20 }),
    ],
    ['inbox', 'inbox', 'inbox list and search', () => inboxBenchmark(env, { levels: plan.inboxLevels, repetitions: plan.inboxRepetitions })],
    ['campaign', 'campaign', 'outbound campaign', () => campaignBenchmark(env, { entries: plan.campaignEntries })],
  ];
  let failed = false;
  const file = resultFile(results.when as string);
  // Written after every scenario, so an interrupted run keeps what it measured.
  const save = () => writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  try {
    for (const [key, name, title, run] of scenarios) {
      if (!want(name)) continue;
      console.error(`${title} ...`);
      try {
        results[key] = await run();
      } catch (error) {
        // One broken scenario should not cost the figures of the others.
        failed = true;
        results[key] = { error: String(error) };
        console.error(`${title} failed: ${String(error)}`);
      }
      save();
    }
  } finally {
    await env.stop();
  }
  save();
  return { results, failed, file };
}

const all: Record<string, unknown>[] = [];
let anyFailed = false;
for (let run = 1; run <= runs; run += 1) {
  if (runs > 1) console.error(`run ${run} of ${runs}`);
  const { results, failed, file } = await runOnce();
  all.push(results);
  anyFailed ||= failed;
  console.log(formatReport(results));
  console.log(`\nwritten to ${file.pathname}\n`);
}
if (runs > 1) {
  // Each figure (ratios included) is the median of its per-run values.
  const merged = medianOfRuns(all);
  const file = resultFile(all[0]?.when as string, `-median-of-${runs}`);
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(formatReport(merged));
  console.log(`\nmedians written to ${file.pathname}`);
}
if (anyFailed) process.exitCode = 1;
