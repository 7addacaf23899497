import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { kindOfPath } from '../activities/knowledge/parse';
import type { IngestProgress, StagedItem } from '../db/repositories/knowledge-ingests';

/** What `kb ingest <target>` stages: its documents, the folder `--prune` works in, and the files it passed over. */
export interface Collected {
  items: StagedItem[];
  /** The folder's key prefix (`docs/`), when the target is a folder. */
  folder: string | null;
  skipped: string[];
}

/** A file's key: its path from the working directory when it lies beneath it, else its absolute path; `/`-separated. */
export function sourceKey(path: string, cwd = process.cwd()): string {
  const absolute = resolve(cwd, path);
  const inside = relative(cwd, absolute);
  const key = inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : absolute;
  return key.split(sep).join('/');
}

const isUrl = (text: string) => /^https?:\/\/\S+$/i.test(text);

/** Lines of a URL list: one address each; blank lines and `#` comments are skipped. */
function urlLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

/**
 * The documents a target names: a URL; a folder (every Markdown, text, HTML and PDF file beneath it, hidden ones
 * and node_modules left out); a file of URLs (`.urls`, or a text file whose every line is one); or one document.
 */
export function collect(target: string, cwd = process.cwd()): Collected {
  if (isUrl(target)) return { items: [{ source: target, kind: null, url: target }], folder: null, skipped: [] };
  const path = resolve(cwd, target);
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new Error(`${target}: no such file or folder`);
  }
  if (stats.isDirectory()) {
    const items: StagedItem[] = [];
    const skipped: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile()) {
          const kind = kindOfPath(entry.name);
          if (kind) items.push({ source: sourceKey(full, cwd), kind, bytes: readFileSync(full) });
          else skipped.push(sourceKey(full, cwd));
        }
      }
    };
    walk(path);
    // The folder's files are keyed relative to the working directory when beneath it: so is the prefix pruned by
    // (the working directory itself is the empty prefix).
    const folderKey = relative(cwd, path) === '' ? '' : `${sourceKey(path, cwd).replace(/\/+$/, '')}/`;
    return { items, folder: folderKey, skipped };
  }
  const kind = kindOfPath(path);
  const bytes = readFileSync(path);
  if (path.endsWith('.urls') || kind === 'text' || kind === null) {
    const lines = urlLines(bytes.toString('utf8'));
    if (lines.length > 0 && lines.every(isUrl)) return { items: lines.map((url) => ({ source: url, kind: null, url })), folder: null, skipped: [] };
    if (path.endsWith('.urls')) throw new Error(`${target}: a .urls file lists one http(s) address a line; ${lines.find((l) => !isUrl(l)) ?? ''} is not one`);
  }
  if (!kind) throw new Error(`${target}: not a document this can read (Markdown, text, HTML, PDF), nor a list of URLs`);
  return { items: [{ source: sourceKey(path, cwd), kind, bytes }], folder: null, skipped: [] };
}

/** `[#####-----]`: `done` of `total`. */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((Math.min(done, total) / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** `[#####-----] 42/200` and the counts so far. */
export function progressLine(progress: Pick<IngestProgress, 'done' | 'total' | 'added' | 'changed' | 'unchanged' | 'failed'>): string {
  return `${progressBar(progress.done, progress.total)} ${progress.done}/${progress.total}  ${progress.added} added, ${progress.changed} changed, ${progress.unchanged} unchanged, ${progress.failed} failed`;
}

/** The run's end, as the terminal shows it. */
export function summaryText(progress: IngestProgress, target: string, seconds: number): string {
  const lines = [
    `${progress.status === 'failed' ? 'Stopped' : 'Ingested'} ${progress.total} document${progress.total === 1 ? '' : 's'} from ${target} in ${seconds.toFixed(1)} s: ` +
      `${progress.added} added, ${progress.changed} changed, ${progress.unchanged} unchanged, ${progress.failed} failed, ${progress.pruned.length} pruned.`,
  ];
  if (progress.error) lines.push(`The run stopped: ${progress.error}`);
  if (progress.failures.length > 0) lines.push('Failed:', ...progress.failures.map((f) => `  ${f.source}: ${f.reason}`));
  if (progress.pruned.length > 0) lines.push('Pruned (their files are gone):', ...progress.pruned.map((s) => `  ${s}`));
  return lines.join('\n');
}
