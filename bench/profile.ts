import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Summarizes V8 CPU profiles (`.cpuprofile`, as written by `node --cpu-prof`): self time by function and by
 * package or project folder, heaviest first. `npx tsx bench/profile.ts <dir or file> [top] [--skip=seconds]`; `--skip`
 * leaves out each profile's first seconds (start-up: module loading, bundling the workflow code).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((entry) => files(join(path, entry))).filter((f) => f.endsWith('.cpuprofile'));
}

/** Where a frame's code lives: an npm package, a project folder, Node's internals, or V8 itself. */
function owner(url: string): string {
  if (!url) return '(native / idle / gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? url;
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  return relative(process.cwd(), path).split('/')[0] ?? path;
}

export function summarize(paths: string[], top = 25, skipMs = 0): string {
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  for (const file of paths) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    let elapsed = 0;
    profile.samples.forEach((id, i) => {
      const node = nodes.get(id);
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      elapsed += ms;
      if (!node || elapsed < skipMs) return;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)' || functionName === '(program)') return;
      total += ms;
      const name = `${functionName || '(anonymous)'} ${url ? `${owner(url)}:${lineNumber + 1}` : ''}`.trim();
      byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
      const who = functionName === '(garbage collector)' ? '(garbage collector)' : owner(url);
      byOwner.set(who, (byOwner.get(who) ?? 0) + ms);
    });
  }
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
  return [`busy ${total.toFixed(0)} ms in ${paths.length} profile(s)`, '', 'by owner:', ...rows(byOwner), '', 'by function:', ...rows(byFunction)].join('\n');
}

const [target, top] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const skip = Number(process.argv.find((a) => a.startsWith('--skip='))?.slice('--skip='.length) ?? 0);
if (!target) {
  console.error('usage: npx tsx bench/profile.ts <profile dir or file> [top] [--skip=seconds]');
  process.exit(2);
}
console.log(summarize(files(target), Number(top ?? 25), skip * 1000));
