/** The agent console's HTML shell; `app.js` fills it from the agent API and keeps it live. */
export const consolePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agent console</title>
<link rel="icon" href="/console/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/app.css">
</head>
<body>
<header class="bar">
  <h1>Agent console</h1>
  <p id="whoami" class="muted" aria-live="polite"></p>
  <button id="sign-out" type="button" hidden>Sign out</button>
</header>

<main>
  <section id="sign-in" class="card narrow" aria-labelledby="sign-in-title">
    <h2 id="sign-in-title">Sign in</h2>
    <form id="sign-in-form">
      <label for="token">Agent token</label>
      <input id="token" name="token" type="password" autocomplete="off" required placeholder="agt_…">
      <button type="submit">Sign in</button>
      <p id="sign-in-error" class="error" role="alert"></p>
    </form>
  </section>

  <div id="workspace" class="workspace" hidden>
    <section class="card queue" aria-labelledby="queue-title">
      <h2 id="queue-title">Handoffs <span id="queue-count" class="count">0</span></h2>
      <p id="live" class="muted">connecting…</p>
      <ul id="queue" class="queue-list" data-testid="queue"></ul>
      <p id="queue-empty" class="muted">Nobody is waiting for a person.</p>
    </section>

    <section class="card conversation" aria-labelledby="conversation-title">
      <h2 id="conversation-title">Select a handoff</h2>
      <p id="conversation-meta" class="muted"></p>
      <ul id="visitors" class="calls" data-testid="visitors" aria-label="Web visitors" hidden></ul>
      <ul id="calls" class="calls" data-testid="calls" aria-label="Phone calls" hidden></ul>
      <ol id="messages" class="messages" data-testid="messages" aria-live="polite"></ol>
      <p id="customer-typing" class="muted" aria-live="polite"></p>
      <div id="actions" hidden>
        <button id="claim" type="button">Claim</button>
        <form id="reply-form" hidden>
          <label for="reply">Reply to the customer</label>
          <textarea id="reply" rows="3" maxlength="1600" required></textarea>
          <button type="submit">Send reply</button>
        </form>
        <form id="resolve-form" hidden>
          <label for="note">Note for the AI (not sent to the customer)</label>
          <textarea id="note" rows="2" maxlength="2000"></textarea>
          <label for="resolve-action">Then</label>
          <select id="resolve-action">
            <option value="return_to_ai">return the conversation to the AI</option>
            <option value="close">close the conversation</option>
          </select>
          <button type="submit">Resolve</button>
        </form>
        <p id="action-error" class="error" role="alert"></p>
      </div>
    </section>
  </div>
  <p id="announcer" class="visually-hidden" aria-live="assertive"></p>
</main>
<script src="/console/app.js" type="module"></script>
</body>
</html>
`;
