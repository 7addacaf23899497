// The agent console: a handoff queue and a conversation view, kept live by the agent event stream.
// Plain browser JavaScript, no build step; every call goes through the same agent API as any other client.

const $ = (id) => document.getElementById(id);
const state = { token: localStorage.getItem('agentToken'), me: null, handoffs: [], selected: null, stream: null };

async function api(path, init = {}) {
  const headers = { authorization: `Bearer ${state.token}` };
  if (init.body) headers['content-type'] = 'application/json';
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401) {
    signOut('Your token is no longer valid.');
    throw new Error('unauthorized');
  }
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `request failed (${response.status})`);
  return body;
}

function announce(text) {
  $('announcer').textContent = text;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function age(iso) {
  const minutes = Math.round((Date.now() - new Date(iso).getTime()) / 60000);
  return minutes < 1 ? 'just now' : minutes < 60 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}

async function signIn(token) {
  state.token = token;
  try {
    state.me = await api('/api/me');
  } catch (error) {
    $('sign-in-error').textContent = error.message === 'unauthorized' ? 'That token was not accepted.' : error.message;
    return;
  }
  localStorage.setItem('agentToken', token);
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('sign-out').hidden = false;
  $('whoami').textContent = `${state.me.name} · ${state.me.tenantId}`;
  await loadQueue();
  listen();
}

function signOut(message = '') {
  localStorage.removeItem('agentToken');
  state.stream?.abort();
  Object.assign(state, { token: null, me: null, selected: null, stream: null });
  $('workspace').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('whoami').textContent = '';
  $('sign-in-error').textContent = message;
}

async function loadQueue() {
  const { handoffs } = await api('/api/handoffs');
  const before = new Set(state.handoffs.map((h) => h.id));
  const fresh = handoffs.filter((h) => !before.has(h.id));
  if (state.handoffs.length > 0 || before.size > 0) {
    for (const h of fresh) announce(`New handoff from ${customerLabel(h)}: ${h.reason}`);
  }
  state.handoffs = handoffs;
  renderQueue();
  if (state.selected) {
    state.selected = handoffs.find((h) => h.id === state.selected.id) ?? { ...state.selected, status: 'resolved' };
    renderActions();
  }
}

function renderQueue() {
  const list = $('queue');
  list.replaceChildren(
    ...state.handoffs.map((h) =>
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            class: 'queue-item',
            'data-testid': `handoff-${h.id}`,
            'aria-current': String(state.selected?.id === h.id),
            onclick: () => select(h),
          },
          el('strong', {}, customerLabel(h)),
          el('span', { class: `status status-${h.status}` }, h.status),
          el('br'),
          el('span', { class: 'muted' }, `${h.channel} · ${h.reason} · ${age(h.createdAt)}`),
          h.claimedByName ? el('span', { class: 'muted' }, ` · ${h.claimedByName}`) : '',
        ),
      ),
    ),
  );
  $('queue-count').textContent = String(state.handoffs.length);
  $('queue-empty').hidden = state.handoffs.length > 0;
}

/** The name a web visitor gave, beside the conversation's key; the key alone otherwise. */
function customerLabel(handoff) {
  return handoff.customerName ? `${handoff.customerName} · ${handoff.contactKey}` : handoff.contactKey;
}

async function select(handoff) {
  state.selected = handoff;
  showTyping('');
  renderQueue();
  $('conversation-title').textContent = customerLabel(handoff);
  $('conversation-meta').textContent = `${handoff.channel} · waiting since ${age(handoff.createdAt)} · ${handoff.reason}`;
  $('action-error').textContent = '';
  renderActions();
  await loadMessages();
}

const authorLabel = { customer: 'Customer', ai: 'AI', agent: 'Agent', system: 'Automatic' };

/** One line per phone call of the conversation: direction, how long, how it ended. */
function callLine(call) {
  const length = call.durationSeconds === null ? '' : ` · ${call.durationSeconds} s`;
  const how = call.handoffData ? ' · put through to a person' : '';
  return el('li', { class: 'call' }, `Call · ${call.direction} · ${new Date(call.startedAt).toLocaleTimeString()}${length} · ${call.status}${how} · ${call.turns.length} ${call.turns.length === 1 ? 'turn' : 'turns'}`);
}

/** A web visitor of the conversation as they described themselves: a number they gave is marked as not proved. */
function visitorLine(visitor) {
  const said = [visitor.name, visitor.email].filter(Boolean);
  if (visitor.linkedPhone) said.push(`proved ${visitor.linkedPhone}`);
  else if (visitor.phone) said.push(`gave ${visitor.phone} (not proved)`);
  return el('li', { class: 'call' }, `Web visitor · ${said.length ? said.join(' · ') : 'no details given'} · since ${new Date(visitor.since).toLocaleDateString()}`);
}

async function loadMessages() {
  if (!state.selected) return;
  const id = encodeURIComponent(state.selected.conversationId);
  const [{ messages }, { calls, visitors }] = await Promise.all([api(`/api/conversations/${id}/messages`), api(`/api/conversations/${id}`)]);
  $('visitors').replaceChildren(...visitors.map(visitorLine));
  $('visitors').hidden = visitors.length === 0;
  $('calls').replaceChildren(...calls.map(callLine));
  $('calls').hidden = calls.length === 0;
  const list = $('messages');
  list.replaceChildren(
    ...messages.map((m) => {
      const note = m.direction === 'internal';
      const who = note ? (m.author === 'system' ? 'Automatic note' : 'Note from the team') : `${authorLabel[m.author] ?? m.author} · ${m.channel}`;
      const status = m.direction !== 'outbound' ? '' : m.status === 'interrupted' ? ' · cut off by the caller' : ` · ${m.status}`;
      return el(
        'li',
        { class: `message ${note ? 'note' : `from-${m.author}`}`, 'data-author': m.author },
        el('span', { class: 'who' }, `${who} · ${new Date(m.createdAt).toLocaleTimeString()}${status}`),
        m.body,
        m.options ? el('span', { class: 'buttons' }, `Buttons: ${[...m.options.quickReplies, ...m.options.actions.map((a) => `${a.label} → ${a.url}`)].join(' · ')}`) : '',
      );
    }),
  );
  list.scrollTop = list.scrollHeight;
}

function renderActions() {
  const h = state.selected;
  const active = h && ['open', 'escalated', 'claimed'].includes(h.status);
  $('actions').hidden = !active;
  if (!active) {
    if (h) $('conversation-meta').textContent = 'This handoff has ended; the AI answers again.';
    return;
  }
  const mine = h.claimedBy === state.me.id;
  $('claim').hidden = mine || (h.claimedBy !== null && !mine);
  $('reply-form').hidden = !mine;
  $('resolve-form').hidden = !mine;
  if (h.claimedBy && !mine) $('action-error').textContent = `${h.claimedByName ?? 'Another agent'} is handling this one.`;
}

async function act(work) {
  $('action-error').textContent = '';
  try {
    await work();
  } catch (error) {
    $('action-error').textContent = error.message;
  }
}

/** Reads the agent event stream with fetch (EventSource cannot send the bearer token) and reconnects. */
async function listen() {
  const controller = new AbortController();
  state.stream = controller;
  let delay = 1000;
  while (!controller.signal.aborted) {
    try {
      const response = await fetch('/api/events', {
        headers: { authorization: `Bearer ${state.token}` },
        signal: controller.signal,
      });
      if (!response.ok || !response.body) throw new Error(`event stream ${response.status}`);
      $('live').textContent = 'live';
      delay = 1000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          onEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      if (controller.signal.aborted) return;
    }
    $('live').textContent = 'reconnecting…';
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 15000);
    // Anything missed while disconnected is picked up by a fresh load.
    await loadQueue().catch(() => {});
  }
}

/** Shows "typing" for a few seconds after each notice; a message that arrives ends it. */
function showTyping(text) {
  clearTimeout(state.customerTypingTimer);
  $('customer-typing').textContent = text;
  if (text) state.customerTypingTimer = setTimeout(() => ($('customer-typing').textContent = ''), 6000);
}

function onEvent(block) {
  const type = /^event: (.*)$/m.exec(block)?.[1];
  const data = /^data: (.*)$/m.exec(block)?.[1];
  if (!data) return;
  const event = JSON.parse(data);
  const here = state.selected && event.conversationId === state.selected.conversationId;
  if (type === 'typing') {
    if (here && event.who === 'customer') showTyping('The customer is typing…');
    return;
  }
  if (type !== 'handoff' && type !== 'message') return;
  if (here && type === 'message') showTyping('');
  if (type === 'handoff') void loadQueue();
  if (state.selected && event.conversationId === state.selected.conversationId) void loadMessages();
}

$('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn($('token').value.trim());
});
$('sign-out').addEventListener('click', () => signOut());
$('claim').addEventListener('click', () =>
  act(async () => {
    await api(`/api/handoffs/${state.selected.id}/claim`, { method: 'POST', body: '{}' });
    await loadQueue();
  }),
);
// The customer (in web chat) sees that the agent is writing: one notice every few seconds at most, the last one at
// the end of its window.
$('reply').addEventListener('input', () => {
  if (!state.selected || state.typingTimer) return;
  const wait = Math.max(0, (state.typingSentAt ?? 0) + 3000 - Date.now());
  state.typingTimer = setTimeout(() => {
    state.typingTimer = null;
    if (!state.selected || !$('reply').value.trim()) return;
    state.typingSentAt = Date.now();
    api(`/api/handoffs/${state.selected.id}/typing`, { method: 'POST', body: '{}' }).catch(() => {});
  }, wait);
});
$('reply-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void act(async () => {
    await api(`/api/handoffs/${state.selected.id}/reply`, { method: 'POST', body: JSON.stringify({ body: $('reply').value }) });
    $('reply').value = '';
    await loadMessages();
  });
});
$('resolve-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void act(async () => {
    const body = { note: $('note').value || undefined, action: $('resolve-action').value };
    await api(`/api/handoffs/${state.selected.id}/resolve`, { method: 'POST', body: JSON.stringify(body) });
    $('note').value = '';
    announce('Handoff resolved');
    await loadQueue();
  });
});

if (state.token) void signIn(state.token);
