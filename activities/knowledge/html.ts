import TurndownService from 'turndown';
import { tables } from '@joplin/turndown-plugin-gfm';
import { decodeEntities, parseMarkdown } from './markdown';
import type { ParsedDocument } from '../../domain/knowledge/sections';

/**
 * HTML read through Markdown (turndown, with GitHub tables): headings, links and tables survive as they do in
 * Markdown; scripts, styles and page chrome (nav, header, footer) are dropped. The page's <title> names it, its canonical link says where it is.
 */
export function parseHtml(html: string, fallbackTitle: string): ParsedDocument {
  const service = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-', codeBlockStyle: 'fenced' });
  service.use(tables);
  service.remove(['script', 'style', 'noscript', 'nav', 'header', 'footer', 'template', 'iframe', 'svg']);
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]?.replace(/\s+/g, ' ').trim();
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html.replace(/<head[\s\S]*?<\/head>/i, '');
  const parsed = parseMarkdown(service.turndown(body), title || fallbackTitle, 'html');
  const canonical = /<link[^>]+rel=["']canonical["'][^>]*>/i.exec(html)?.[0];
  const url = canonical ? /href=["'](https?:\/\/[^"']+)["']/i.exec(canonical)?.[1] : undefined;
  return { ...parsed, ...(title ? { title: decodeEntities(title) } : {}), ...(url ? { url: decodeEntities(url) } : {}) };
}
