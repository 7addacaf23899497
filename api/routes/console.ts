import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createRoute, z } from '@hono/zod-openapi';
import { browserScript } from '../browser-scripts';
import { declaredRoutes } from '../openapi';

const asset = (name: string) => readFileSync(new URL(`../browser/console/${name}`, import.meta.url), 'utf8');
// uPlot's own stylesheet, from the package the console's script bundles: one version for both.
const chartStyles = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8');

const html = 'text/html; charset=utf-8';
const css = 'text/css; charset=utf-8';
/** What `/console` serves: each path's type and what it is; the page, its styles and icon read once at start. */
const files: [path: string, type: string, summary: string, content: string | (() => Promise<string>)][] = [
  ['/', html, 'The agent console', asset('index.html')],
  // Bundled from api/browser/console/ on the first request (api/browser-scripts.ts).
  ['/app.js', 'text/javascript; charset=utf-8', "The console's script", () => browserScript('console')],
  ['/app.css', css, "The console's styles", asset('app.css')],
  ['/analytics.css', css, "The analytics panel's styles", asset('analytics.css')],
  ['/uplot.css', css, "The charts' styles (uPlot's own)", chartStyles],
  ['/favicon.svg', 'image/svg+xml', "The console's icon", asset('favicon.svg')],
];

/** The agent console: a static page and its script; all data comes from the agent API with the agent's token. */
export function consoleRoutes() {
  const app = declaredRoutes();
  const headers = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
  for (const [path, type, summary, content] of files) {
    const extra: Record<string, string> = type === html ? { 'content-security-policy': "default-src 'self'" } : {};
    app.openapi(
      createRoute({ method: 'get', path, summary, tags: ['Pages'], responses: { 200: { description: summary, content: { [type.split(';')[0] as string]: { schema: z.string() } } } } }),
      async (c) => c.body(typeof content === 'string' ? content : await content(), 200, { ...headers, ...extra, 'content-type': type }),
    );
  }
  return app;
}
