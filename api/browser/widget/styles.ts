/**
 * The widget's look, in its shadow root: the page's styles do not reach it and these do not leak out. Themed by CSS
 * variables on the `dc-chat` element (--dc-accent, --dc-background, --dc-text, --dc-radius, --dc-font).
 */
export const styles = `
  :host { all: initial; position: fixed; right: 1.25rem; bottom: 1.25rem; z-index: 2147483000;
    font-family: var(--dc-font, system-ui, sans-serif); color: var(--dc-text, #1d2433); }
  button { font: inherit; cursor: pointer; }
  .launcher { border: 0; border-radius: 999px; padding: 0.8rem 1.2rem; background: var(--dc-accent, #1f5f99); color: #fff;
    box-shadow: 0 4px 14px rgba(0,0,0,.2); }
  .panel { display: flex; flex-direction: column; width: min(22rem, calc(100vw - 2.5rem)); height: min(32rem, calc(100vh - 6rem));
    background: var(--dc-background, #fff); border-radius: var(--dc-radius, 12px); box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; }
  [hidden] { display: none !important; }
  header { display: flex; justify-content: space-between; align-items: center; padding: 0.75rem 1rem;
    background: var(--dc-accent, #1f5f99); color: #fff; }
  header h2 { font-size: 1rem; margin: 0; }
  header button { background: transparent; border: 0; color: #fff; font-size: 1.25rem; line-height: 1; }
  ol { list-style: none; margin: 0; padding: 0.75rem; flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: 0.5rem; }
  li { max-width: 85%; padding: 0.5rem 0.75rem; border-radius: 10px; white-space: pre-wrap; overflow-wrap: anywhere; }
  li.customer { align-self: flex-end; background: var(--dc-accent, #1f5f99); color: #fff; }
  li.ai, li.system { align-self: flex-start; background: #eef1f6; }
  li.agent { align-self: flex-start; background: #fff5d6; }
  li .who { display: block; font-size: 0.75rem; opacity: 0.75; margin-bottom: 0.15rem; }
  li.notice { align-self: center; background: transparent; font-size: 0.8rem; opacity: 0.8; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.35rem; margin-top: 0.4rem; }
  .actions a { display: inline-block; padding: 0.3rem 0.6rem; border-radius: 8px; background: var(--dc-accent, #1f5f99); color: #fff;
    text-decoration: none; font-size: 0.85rem; }
  .quick { display: flex; flex-wrap: wrap; gap: 0.35rem; padding: 0 0.75rem 0.5rem; justify-content: flex-end; }
  .quick button { border: 1px solid var(--dc-accent, #1f5f99); color: var(--dc-accent, #1f5f99); background: transparent;
    border-radius: 999px; padding: 0.25rem 0.7rem; font-size: 0.85rem; }
  .typing { padding: 0 1rem 0.5rem; font-size: 0.8rem; opacity: 0.75; min-height: 1.2rem; }
  form { display: flex; gap: 0.5rem; padding: 0.75rem; border-top: 1px solid #e3e7ee; }
  .phone { padding: 0 0.75rem 0.75rem; font-size: 0.85rem; }
  .phone form { padding: 0.5rem 0 0; border: 0; }
  .phone input { flex: 1; font: inherit; padding: 0.4rem; border: 1px solid #c9d0db; border-radius: 8px; }
  .link { background: transparent; border: 0; padding: 0; color: var(--dc-accent, #1f5f99); text-decoration: underline; }
  textarea { flex: 1; resize: none; font: inherit; padding: 0.5rem; border: 1px solid #c9d0db; border-radius: 8px; }
  form button { border: 0; border-radius: 8px; padding: 0 1rem; background: var(--dc-accent, #1f5f99); color: #fff; }
  :focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }`;
