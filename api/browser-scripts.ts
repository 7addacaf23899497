import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/**
 * The scripts browsers run, bundled by esbuild from their TypeScript in api/browser/: the chat widget
 * (`GET /widget.js`) and the agent console (`GET /console/app.js`).
 *
 * Built here, in memory, when a script is first asked for, then kept for the life of the process: every way the
 * service runs (npm start, the tests' in-process stack, `npx tsx worker/main.ts` in the image) already runs the
 * TypeScript sources through tsx, which brings esbuild along, so building in the server needs no build step that any
 * of them could forget and leaves no generated file to go stale. A bundle takes well under a second, once per process.
 */
const scripts = {
  /** A classic script, so it can find its own tag (`document.currentScript`), with nothing left to import. */
  widget: { entry: 'widget/main.ts', format: 'iife' },
  /** The console page loads it as a module. */
  console: { entry: 'console/main.ts', format: 'esm' },
} as const satisfies Record<string, { entry: string; format: esbuild.Format }>;

export type BrowserScript = keyof typeof scripts;

const built = new Map<BrowserScript, Promise<string>>();

/** The bundled script, built on the first call. */
export function browserScript(name: BrowserScript): Promise<string> {
  let script = built.get(name);
  if (!script) {
    script = bundle(name);
    built.set(name, script);
    // A build that failed is not kept: the next request tries again (and answers the same error if it fails again).
    script.catch(() => built.delete(name));
  }
  return script;
}

async function bundle(name: BrowserScript): Promise<string> {
  const { entry, format } = scripts[name];
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL(`browser/${entry}`, import.meta.url))],
    // Paths in the bundle's comments are the repository's, wherever the process was started.
    absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
    tsconfig: fileURLToPath(new URL('browser/tsconfig.json', import.meta.url)),
    bundle: true,
    write: false,
    format,
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild wrote no ${name} script`);
  return output.text;
}
