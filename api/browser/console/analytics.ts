// The analytics panel: a tenant's days as figures, charts and tables (`GET /api/analytics`). Each chart has a table
// of the same numbers beside it, since a canvas says nothing to a screen reader. The page links /console/uplot.css
// and /console/analytics.css; sizes go through uPlot's options and the stylesheet, as the page's CSP allows no
// style attributes.
import uPlot from 'uplot';
import type { AnalyticsDay, AnalyticsReport, UnansweredEntry, WaitFigures } from '../../protocol/analytics';
import type { Channel } from '../../../domain/channels';
import { api } from './agent-api';
import { el } from './create-element';

export interface AnalyticsOptions {
  /** Opens the conversations behind an unanswered question or handoff reason; without it they are listed as text. */
  onOpenConversations?: (ids: string[], label: string) => void;
}

const channelNames: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp', voice: 'Voice', web: 'Web chat' };
// Told apart by people who do not see every colour (Okabe and Ito's palette).
const channelColors: Record<Channel, string> = { sms: '#0072b2', whatsapp: '#009e73', voice: '#d55e00', web: '#cc79a7' };
const channelOrder = Object.keys(channelNames) as Channel[];

const wholeNumber = new Intl.NumberFormat('en');
const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 });
const count = (n: number) => wholeNumber.format(n);

const cents = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' });
const hundredthsOfCents = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', minimumFractionDigits: 4 });

/** Dollars to the cent, and sums under a dollar (a quiet tenant's day) to a hundredth of a cent. */
function dollars(amount: number): string {
  return (amount !== 0 && Math.abs(amount) < 1 ? hundredthsOfCents : cents).format(amount);
}

/** "42 s", "3 min", "2 h 5 min", "3 d 4 h": the unit a person would use for that length. */
function duration(seconds: number | null): string {
  if (seconds === null) return 'no data';
  if (seconds < 100) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 100) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return hours % 24 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${Math.floor(hours / 24)} d`;
}

/** One figure with its label, found by tests and scripts through `data-testid`. */
function figure(label: string, testId: string, value: string): HTMLElement {
  return el('div', { class: 'analytics-figure' }, el('dt', {}, label), el('dd', { 'data-testid': `analytics-${testId}` }, value));
}

function waits(name: string, testId: string, w: WaitFigures, counted: string): HTMLElement[] {
  return [
    figure(`${name}, median`, `${testId}-p50`, duration(w.p50Seconds)),
    figure(`${name}, 90th percentile`, `${testId}-p90`, duration(w.p90Seconds)),
    figure(counted, `${testId}-count`, count(w.count)),
  ];
}

function figures(report: AnalyticsReport): HTMLElement {
  const { answered } = report;
  const share = answered.assistantShare;
  return el(
    'dl',
    { class: 'analytics-figures' },
    figure('Conversations', 'conversations', count(report.totals.conversations)),
    figure('Messages from customers', 'messages-in', count(report.totals.messagesIn)),
    figure('Replies sent', 'messages-out', count(report.totals.messagesOut)),
    figure('Service notices', 'notices', count(report.totals.notices)),
    figure('Replies by the assistant', 'answered-assistant', count(answered.byAssistant)),
    figure('Replies by people', 'answered-people', count(answered.byPeople)),
    el(
      'div',
      { class: 'analytics-figure' },
      el('dt', {}, 'Share answered by the assistant'),
      el('dd', {}, el('span', { 'data-testid': 'analytics-assistant-share' }, share === null ? 'no replies' : percent.format(share)), share === null ? '' : el('meter', { min: '0', max: '1', value: String(share), 'aria-hidden': 'true' })),
    ),
    ...waits('First response', 'first-response', report.firstResponse, 'Customer waits answered'),
    ...waits('Handoff wait', 'handoff-wait', report.handoffWait, 'Handoffs claimed'),
    figure('Calls', 'calls-count', count(report.calls.count)),
    figure('Average call length', 'calls-average', duration(report.calls.averageSeconds)),
    figure('Model cost', 'cost', dollars(report.costUsd)),
  );
}

interface ChartLine {
  label: string;
  color: string;
  dashed?: boolean;
  values: number[];
}

interface ChartSpec {
  /** Names its table: `analytics-table-<key>`. */
  key: string;
  title: string;
  lines: ChartLine[];
  format: (n: number) => string;
  /** Counts: the axis marks whole numbers only. */
  whole: boolean;
}

let panels = 0;

/** What a shown panel must undo before it is drawn again: its charts and their watchers. */
const shown = new WeakMap<HTMLElement, () => void>();

function chartHeight(width: number): number {
  return width < 480 ? 180 : 240;
}

/** A chart of `spec` and, beside it, the table of its numbers; the chart follows its box's width. */
function chartWithTable(days: AnalyticsDay[], spec: ChartSpec, cleanups: (() => void)[]): { block: HTMLElement; draw: () => void } {
  const id = `analytics-${(panels += 1)}`;
  const box = el('div', { class: 'analytics-chart', 'aria-hidden': 'true' });
  const table = el(
    'table',
    // The chart's legend is a table too (hidden from screen readers with the chart): this one is the figures'.
    { 'data-testid': `analytics-table-${spec.key}` },
    el('caption', {}, spec.title),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Day'), ...spec.lines.map((line) => el('th', { scope: 'col' }, line.label)))),
    el('tbody', {}, ...days.map((day, i) => el('tr', {}, el('th', { scope: 'row' }, day.day), ...spec.lines.map((line) => el('td', {}, spec.format(line.values[i] ?? 0)))))),
  );
  const block = el(
    'section',
    { class: 'analytics-block', 'aria-labelledby': id },
    el('h3', { id }, spec.title),
    el('div', { class: 'analytics-pair' }, box, el('div', { class: 'analytics-table', role: 'region', 'aria-label': `${spec.title}, as a table`, tabindex: '0' }, table)),
  );

  // Drawn once the block is in the page: uPlot needs a width, and the box has none before.
  const draw = () => {
    const width = box.clientWidth || 600;
    const chart = new uPlot(
      {
        width,
        height: chartHeight(width),
        // The days are the tenant's calendar dates, placed at UTC midnight: shown as UTC, each is labelled its own date.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        series: [
          { label: 'Day' },
          ...spec.lines.map((line) => ({
            label: line.label,
            stroke: line.color,
            width: 2,
            dash: line.dashed ? [6, 4] : undefined,
            // uPlot shows the points only while they stand apart: a year's days make a line.
            points: { size: 5 },
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : spec.format(v)),
          })),
        ],
        axes: [{}, { size: 64, values: (_u, splits) => splits.map(spec.format), incrs: spec.whole ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 50_000, 100_000] : undefined }],
        cursor: { drag: { x: false, y: false } },
      },
      [days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000), ...spec.lines.map((line) => line.values)],
      box,
    );
    const watcher = new ResizeObserver(() => {
      const now = box.clientWidth;
      if (now > 0 && now !== chart.width) chart.setSize({ width: now, height: chartHeight(now) });
    });
    watcher.observe(box);
    cleanups.push(() => {
      watcher.disconnect();
      chart.destroy();
    });
  };
  return { block, draw };
}

function byChannel(days: AnalyticsDay[], pick: (d: AnalyticsDay) => Record<Channel, number>, suffix = '', dashed = false): ChartLine[] {
  return channelOrder.map((c) => ({ label: `${channelNames[c]}${suffix}`, color: channelColors[c], dashed, values: days.map((d) => pick(d)[c]) }));
}

function unansweredList(entries: UnansweredEntry[], options: AnalyticsOptions): HTMLElement {
  if (entries.length === 0) return el('p', { class: 'muted' }, 'Nothing went unanswered in these days.');
  const open = options.onOpenConversations;
  return el(
    'ol',
    { class: 'analytics-unanswered', 'data-testid': 'analytics-unanswered' },
    ...entries.map((entry, i) => {
      const kind = entry.kind === 'handoff_reason' ? 'Handed over' : 'No passage matched';
      const words = [el('span', { class: 'analytics-kind' }, kind), el('span', { class: 'analytics-label' }, entry.label), el('span', { class: 'count' }, `${count(entry.count)}×`)];
      const conversations = `${entry.conversationIds.length} conversation${entry.conversationIds.length === 1 ? '' : 's'}`;
      return el(
        'li',
        { 'data-testid': `analytics-unanswered-${i}` },
        open
          ? el('button', { type: 'button', class: 'analytics-open', onclick: () => open(entry.conversationIds, entry.label) }, ...words, el('span', { class: 'visually-hidden' }, `, open its ${conversations}`))
          : el('span', {}, ...words),
      );
    }),
  );
}

function results(report: AnalyticsReport, options: AnalyticsOptions, cleanups: (() => void)[]): { node: HTMLElement; draw: () => void } {
  const { days } = report;
  const unansweredId = `analytics-${(panels += 1)}`;
  const charts = [
    chartWithTable(days, { key: 'conversations', title: 'Conversations per day by channel', lines: byChannel(days, (d) => d.conversations), format: count, whole: true }, cleanups),
    chartWithTable(
      days,
      { key: 'messages', title: 'Messages per day by channel, in and out', lines: [...byChannel(days, (d) => d.messagesIn, ' in'), ...byChannel(days, (d) => d.messagesOut, ' out', true)], format: count, whole: true },
      cleanups,
    ),
    chartWithTable(days, { key: 'cost', title: 'Model cost per day', lines: [{ label: 'Cost (USD)', color: '#1d2433', values: days.map((d) => d.costUsd) }], format: dollars, whole: false }, cleanups),
  ];
  const node = el(
    'div',
    { class: 'analytics-results' },
    el('p', { class: 'muted' }, `${report.from} to ${report.to}, days in ${report.timeZone}.`),
    figures(report),
    ...charts.map((c) => c.block),
    el('section', { class: 'analytics-block', 'aria-labelledby': unansweredId }, el('h3', { id: unansweredId }, 'What the assistant could not answer'), unansweredList(report.unanswered, options)),
  );
  return { node, draw: () => charts.forEach((c) => c.draw()) };
}

/**
 * The panel in `container`, replacing what it held: a form for the days, then the figures of `range` (the last 30
 * days when not given). Choosing other days redraws the figures and keeps the form (and the focus on it).
 */
export async function showAnalytics(container: HTMLElement, range?: { from: string; to: string }, options: AnalyticsOptions = {}): Promise<void> {
  shown.get(container)?.();
  const cleanups: (() => void)[] = [];
  // A report that arrives after the panel was drawn again, or after other days were asked for, is not shown.
  let asks = 0;
  let replaced = false;
  shown.set(container, () => {
    replaced = true;
    cleanups.splice(0).forEach((undo) => undo());
  });

  const id = `analytics-range-${(panels += 1)}`;
  const from = el('input', { id: `${id}-from`, type: 'date', required: '' });
  const to = el('input', { id: `${id}-to`, type: 'date', required: '' });
  const error = el('p', { class: 'error', role: 'alert' });
  const output = el('div', { 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'analytics-range', 'aria-label': 'Days to show' },
    el('div', {}, el('label', { for: from.id }, 'First day'), from),
    el('div', {}, el('label', { for: to.id }, 'Last day'), to),
    el('button', { type: 'submit' }, 'Show'),
  );
  container.replaceChildren(form, error, output);

  const load = async (asked?: { from: string; to: string }) => {
    const ask = (asks += 1);
    const latest = () => !replaced && ask === asks;
    error.textContent = '';
    container.setAttribute('aria-busy', 'true');
    try {
      const report = await api<AnalyticsReport>(`/api/analytics${asked ? `?${new URLSearchParams(asked).toString()}` : ''}`);
      if (!latest()) return;
      from.value = report.from;
      to.value = report.to;
      cleanups.splice(0).forEach((undo) => undo());
      const shownResults = results(report, options, cleanups);
      output.replaceChildren(shownResults.node);
      shownResults.draw();
    } catch (failure) {
      if (latest()) error.textContent = failure instanceof Error ? failure.message : String(failure);
    } finally {
      if (latest()) container.removeAttribute('aria-busy');
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load({ from: from.value, to: to.value });
  });
  await load(range);
}
