import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { browserScript } from '../browser-scripts';

const asset = (name: string) => readFileSync(new URL(`../browser/console/${name}`, import.meta.url), 'utf8');
const page = asset('index.html');
const styles = asset('app.css');
const favicon = asset('favicon.svg');
const analyticsStyles = asset('analytics.css');
// uPlot's own stylesheet, from the package the console's script bundles: one version for both.
const chartStyles = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8');

/** The agent console: a static page and its script; all data comes from the agent API with the agent's token. */
export function consoleRoutes() {
  const app = new Hono();
  const headers = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
  app.get('/', (c) => c.html(page, 200, { ...headers, 'content-security-policy': "default-src 'self'" }));
  // Bundled from api/browser/console/ on the first request (api/browser-scripts.ts).
  app.get('/app.js', async (c) => c.body(await browserScript('console'), 200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/app.css', (c) => c.body(styles, 200, { ...headers, 'content-type': 'text/css; charset=utf-8' }));
  app.get('/analytics.css', (c) => c.body(analyticsStyles, 200, { ...headers, 'content-type': 'text/css; charset=utf-8' }));
  app.get('/uplot.css', (c) => c.body(chartStyles, 200, { ...headers, 'content-type': 'text/css; charset=utf-8' }));
  app.get('/favicon.svg', (c) => c.body(favicon, 200, { ...headers, 'content-type': 'image/svg+xml' }));
  return app;
}
