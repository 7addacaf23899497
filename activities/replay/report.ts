import type { Kysely } from 'kysely';
import { getReplay, replayTurns } from '../../db/repositories/replays';
import type { Database } from '../../db/schema';
import type { ReplayAnswer } from './recorded-turns';

export interface ReplayTurnView {
  conversationId: string;
  position: number;
  askedAt: string;
  question: string;
  recorded: ReplayAnswer;
  variant: ReplayAnswer;
  changed: boolean;
  verdict: 'better' | 'same' | 'worse' | null;
  verdictReason: string | null;
}

export interface ReplayReport {
  id: string;
  status: string;
  error: string | null;
  variant: unknown;
  from: string;
  to: string;
  judgeModel: string | null;
  conversations: number;
  done: number;
  totals: {
    turns: number;
    changed: number;
    recordedCostUsd: number;
    variantCostUsd: number;
    /** Medians of the turns' model time, in milliseconds. */
    recordedLatencyMs: number;
    variantLatencyMs: number;
    verdicts: { better: number; same: number; worse: number };
  };
  turns: ReplayTurnView[];
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Whether two answers differ for the customer: their words (spacing and case aside), their outcome or sources. */
export function answersDiffer(a: ReplayAnswer, b: ReplayAnswer): boolean {
  const words = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();
  const sources = (x: ReplayAnswer) => x.sources.map((s) => s.documentId).join(',');
  return a.outcome !== b.outcome || words(a.text) !== words(b.text) || sources(a) !== sources(b);
}

/** A replay with every turn and its totals: what `GET /api/replays/:id` answers and the files are written from. */
export async function replayReport(db: Kysely<Database>, tenantId: string, id: string): Promise<ReplayReport | undefined> {
  const replay = await getReplay(db, tenantId, id);
  if (!replay) return undefined;
  const turns = (await replayTurns(db, id)).map(
    (t): ReplayTurnView => ({
      conversationId: t.conversation_id,
      position: t.position,
      askedAt: t.asked_at.toISOString(),
      question: t.question,
      recorded: t.recorded as ReplayAnswer,
      variant: t.variant as ReplayAnswer,
      changed: t.changed,
      verdict: (t.verdict as ReplayTurnView['verdict']) ?? null,
      verdictReason: t.verdict_reason,
    }),
  );
  const count = (verdict: string) => turns.filter((t) => t.verdict === verdict).length;
  return {
    id: replay.id,
    status: replay.status,
    error: replay.error,
    variant: replay.variant,
    from: replay.from_date,
    to: replay.to_date,
    judgeModel: replay.judge_model,
    conversations: replay.conversation_ids.length,
    done: replay.done,
    totals: {
      turns: turns.length,
      changed: turns.filter((t) => t.changed).length,
      recordedCostUsd: turns.reduce((sum, t) => sum + t.recorded.costUsd, 0),
      variantCostUsd: turns.reduce((sum, t) => sum + t.variant.costUsd, 0),
      recordedLatencyMs: median(turns.map((t) => t.recorded.latencyMs)),
      variantLatencyMs: median(turns.map((t) => t.variant.latencyMs)),
      verdicts: { better: count('better'), same: count('same'), worse: count('worse') },
    },
    turns,
  };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const dollars = (x: number) => `$${x.toFixed(x < 0.01 ? 5 : 4)}`;

function answerCell(answer: ReplayAnswer): string {
  const text = answer.outcome === 'handoff' ? `<em>Handed to a person: ${escape(answer.reason ?? '')}</em>` : answer.outcome === 'error' ? `<em>No answer: ${escape(answer.reason ?? '')}</em>` : escape(answer.text);
  const sources = answer.sources.length > 0 ? `<div class="meta">Sources: ${answer.sources.map((s) => (s.url ? `<a href="${escape(s.url)}">${escape(s.title)}</a>` : escape(s.title))).join(' · ')}</div>` : '';
  const tools = answer.tools.length > 0 ? ` · tools: ${escape(answer.tools.join(', '))}` : '';
  return `<td>${text}${sources}<div class="meta">${escape(answer.model ?? 'no model')} · ${dollars(answer.costUsd)} · ${answer.latencyMs} ms${tools}</div></td>`;
}

/**
 * The report as one self-contained HTML page, readable with no script (a console's strict policy allows none):
 * totals, each changed turn's answers side by side, and the unchanged ones folded away.
 */
export function reportHtml(report: ReplayReport): string {
  const t = report.totals;
  const row = (turn: ReplayTurnView) =>
    `<tr><td><div>${escape(turn.question)}</div><div class="meta">${escape(turn.askedAt.slice(0, 16).replace('T', ' '))} · ${escape(turn.conversationId)}</div></td>` +
    `${answerCell(turn.recorded)}${answerCell(turn.variant)}<td>${turn.verdict ? `<strong class="${turn.verdict}">${turn.verdict}</strong><div class="meta">${escape(turn.verdictReason ?? '')}</div>` : '<span class="meta">–</span>'}</td></tr>`;
  const head = '<thead><tr><th>Customer</th><th>Recorded answer</th><th>Variant\'s answer</th><th>Verdict</th></tr></thead>';
  const changed = report.turns.filter((turn) => turn.changed).map(row).join('\n');
  const unchanged = report.turns.filter((turn) => !turn.changed).map(row).join('\n');
  const verdicts = report.judgeModel ? ` · judge ${escape(report.judgeModel)}: ${t.verdicts.better} better, ${t.verdicts.same} same, ${t.verdicts.worse} worse` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Replay ${escape(report.id)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#1d2433}table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #dde2ea;padding:.5rem;vertical-align:top;text-align:left}
th{background:#f3f5f9}.meta{color:#5b6478;font-size:12px;margin-top:.25rem}.better{color:#1d7a35}.worse{color:#b3261e}.same{color:#5b6478}
pre{background:#f3f5f9;padding:.5rem;white-space:pre-wrap}summary{cursor:pointer;margin:1rem 0 .5rem}
</style></head>
<body>
<h1>Replay of ${escape(report.from)} to ${escape(report.to)}</h1>
<p>${report.done} of ${report.conversations} conversations · ${t.turns} turns · <strong>${t.changed} changed</strong>${verdicts} · status ${escape(report.status)}${report.error ? `: ${escape(report.error)}` : ''}</p>
<p>Model cost: recorded ${dollars(t.recordedCostUsd)}, variant ${dollars(t.variantCostUsd)} · median model time per turn: recorded ${t.recordedLatencyMs} ms, variant ${t.variantLatencyMs} ms</p>
<details><summary>Variant</summary><pre>${escape(JSON.stringify(report.variant, null, 2))}</pre></details>
<h2>Changed turns</h2>
<table>${head}<tbody>
${changed || '<tr><td colspan="4">No turn was answered differently.</td></tr>'}
</tbody></table>
<details><summary>Unchanged turns (${t.turns - t.changed})</summary>
<table>${head}<tbody>
${unchanged}
</tbody></table></details>
</body></html>
`;
}
