import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** Debian's Chromium (CHROMIUM_PATH to use another), headless, without the background traffic a test has no use for. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Viewport {
  width: number;
  height: number;
}

/**
 * One Chromium for the file. Every page a test opens is on a profile of its own and is closed after that test,
 * whatever happened, so no page of an earlier test goes on talking to the service. Register it after the stack's
 * hooks: vitest runs after-hooks last-registered first, so pages close before the stack is reset or stopped.
 */
export function useBrowser(): { page(viewport?: Viewport): Promise<Page> } {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async page(viewport = { width: 1100, height: 760 }) {
      if (!browser) throw new Error('useBrowser(): the browser starts in beforeAll');
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      return context.newPage();
    },
  };
}
