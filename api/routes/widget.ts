import { createRoute, z } from '@hono/zod-openapi';
import { browserScript } from '../browser-scripts';
import type { ApiDeps } from '../deps';
import { declaredRoutes } from '../openapi';
import { defaultTenantId, getTenant } from '../../db/repositories/tenants';

/** The embeddable chat widget, and a page that shows it (the default tenant's). */
export function widgetRoutes({ db }: ApiDeps) {
  const app = declaredRoutes();
  const tags = ['Pages'];
  const answer = (type: string, description: string) => ({ 200: { description, content: { [type]: { schema: z.string() } } } });

  // Bundled from api/browser/widget/ on the first request (api/browser-scripts.ts).
  app.openapi(
    createRoute({
      method: 'get',
      path: '/widget.js',
      summary: 'The chat widget',
      description: 'One script tag on any site: `<script src=".../widget.js" data-widget-key="…" async>`.',
      tags,
      responses: answer('text/javascript', 'The script.'),
    }),
    async (c) =>
      c.body(await browserScript('widget'), 200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=300',
        'x-content-type-options': 'nosniff',
      }),
  );

  app.openapi(createRoute({ method: 'get', path: '/demo', summary: "A page showing the default tenant's widget", tags, responses: answer('text/html', 'The page.') }), async (c) => {
    const tenant = await getTenant(db, defaultTenantId);
    const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chat widget demo</title><link rel="icon" href="/console/favicon.svg" type="image/svg+xml"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>A shop with a chat widget</h1>
<p>This page is any site: the widget below comes from one script tag and keeps its styles to itself.</p>
<pre style="white-space: pre-wrap; overflow-wrap: anywhere">&lt;script src="${new URL(c.req.url).origin}/widget.js" data-widget-key="${tenant?.widget_key ?? ''}" async&gt;&lt;/script&gt;</pre>
<script src="/widget.js" data-widget-key="${tenant?.widget_key ?? ''}" async></script>
</body></html>`;
    // The widget's styles live in its shadow root (a style element): inline styles are allowed, scripts are not.
    return c.html(page, 200, { 'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'" });
  });

  return app;
}
