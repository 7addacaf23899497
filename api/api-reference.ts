// `GET /docs`: the API's contract (/openapi.json) as a page to read, rendered here with nothing fetched from elsewhere.

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface Contract {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation> | undefined>;
  components?: { schemas?: Record<string, unknown> };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const code = (text: string) => escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');
const methods = ['get', 'post', 'put', 'patch', 'delete'];

/** A schema as JSON, each `$ref` a link to the schema it names. */
function schemaBlock(schema: unknown): string {
  const json = escape(JSON.stringify(schema, null, 2));
  return `<pre>${json.replace(/&#34;#\/components\/schemas\/([A-Za-z0-9_]+)&#34;/g, '<a href="#schema-$1">$1</a>')}</pre>`;
}

function operationBlock(path: string, method: string, op: Operation): string {
  const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');
  const auth = op.security?.length ? op.security.map((s) => Object.keys(s).join(', ')).join(' or ') : 'none';
  const params = (op.parameters ?? [])
    .map((p) => `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td>${code(p.description ?? '')}</td><td>${schemaBlock(p.schema ?? {})}</td></tr>`)
    .join('');
  const body = op.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => `<tr><td>${status}</td><td>${code(r.description ?? '')}</td><td>${r.content ? schemaBlock(Object.values(r.content)[0]?.schema ?? {}) : ''}</td></tr>`)
    .join('');
  return `<section id="${id}"><h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code> ${escape(op.summary ?? '')}</h3>
${op.description ? `<p>${code(op.description)}</p>` : ''}<p>Token: ${escape(auth)}</p>
${params ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th></th><th>schema</th></tr>${params}</table>` : ''}
${body ? `<h4>Body (application/json)</h4>${schemaBlock(body)}` : ''}
<h4>Answers</h4><table><tr><th>status</th><th></th><th>body</th></tr>${responses}</table></section>`;
}

export function apiReferencePage(contract: Contract): string {
  const operations = Object.entries(contract.paths ?? {}).flatMap(([path, item]) =>
    methods.filter((m) => item?.[m]).map((m) => ({ path, method: m, op: item?.[m] as Operation })),
  );
  const tags = [...new Set(operations.map((o) => o.op.tags?.[0] ?? 'Other'))];
  const index = tags
    .map((tag) => `<li>${escape(tag)}<ul>${operations.filter((o) => (o.op.tags?.[0] ?? 'Other') === tag).map((o) => `<li><a href="#${`${o.method}-${o.path}`.replace(/[^A-Za-z0-9]+/g, '-')}">${o.method.toUpperCase()} ${escape(o.path)}</a></li>`).join('')}</ul></li>`)
    .join('');
  const sections = tags.map((tag) => `<h2>${escape(tag)}</h2>${operations.filter((o) => (o.op.tags?.[0] ?? 'Other') === tag).map((o) => operationBlock(o.path, o.method, o.op)).join('')}`).join('');
  const schemas = Object.entries(contract.components?.schemas ?? {}).map(([name, schema]) => `<section id="schema-${name}"><h3>${escape(name)}</h3>${schemaBlock(schema)}</section>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(contract.info.title)}: reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem 1.5rem;color:#1f2328}pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:13px;margin:0}
table{border-collapse:collapse;width:100%;margin:.25rem 0 1rem}td,th{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}section{border-top:1px solid #d0d7de;padding:.5rem 0}
.method{font-size:12px;padding:.1rem .4rem;border-radius:4px;color:#fff;background:#57606a}.get{background:#0969da}.post{background:#1a7f37}.patch{background:#9a6700}.delete{background:#cf222e}</style></head>
<body><h1>${escape(contract.info.title)} <small>v${escape(contract.info.version)}</small></h1><p>${code(contract.info.description ?? '')}</p>
<p>The same contract as JSON: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p><nav><ul>${index}</ul></nav>${sections}<h2>Schemas</h2>${schemas}</body></html>`;
}
