import type { ReplayList, ReplaySummaryView } from '../../protocol/agent-api';
import { state } from './state';
import { api } from './agent-api';
import { el } from './create-element';
import { page } from './page';

/** The tenant's replays, newest first. */
export async function loadReplays(): Promise<void> {
  const { replays } = await api<ReplayList>('/api/replays');
  page.replays.replaceChildren(...replays.map(item));
  page.replaysEmpty.hidden = replays.length > 0;
}

/** The report is the agent's to read: fetched with their token, then shown in a tab of its own. */
async function open(replay: ReplaySummaryView, shown: Window | null): Promise<void> {
  const response = await fetch(`/api/replays/${encodeURIComponent(replay.id)}?format=html`, { headers: { authorization: `Bearer ${state.token}` } });
  if (!response.ok) {
    shown?.close();
    page.replaysError.textContent = `The report could not be opened (${response.status}).`;
    return;
  }
  const url = URL.createObjectURL(new Blob([await response.text()], { type: 'text/html' }));
  if (shown) shown.location.href = url;
  else window.location.href = url;
  // The tab has loaded it by then; the page's memory is released.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function item(replay: ReplaySummaryView): HTMLLIElement {
  return el(
    'li',
    { class: 'replay', 'data-testid': `replay-${replay.id}` },
    el('strong', {}, `${replay.from} to ${replay.to}`),
    el('p', { class: 'muted' }, `${replay.done} of ${replay.conversations} conversations · ${replay.status}${replay.judgeModel ? ` · judged by ${replay.judgeModel}` : ''}`),
    el('button', { type: 'button', onclick: () => void open(replay, window.open('', '_blank')) }, 'Open report'),
  );
}
