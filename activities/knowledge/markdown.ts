import { marked, type Token, type Tokens } from 'marked';
import type { ParsedDocument, Section } from '../../domain/knowledge/sections';

/**
 * Markdown read into sections (marked's lexer): every heading opens a section under its parents; links keep their
 * address ("text (https://…)"), a table becomes one line per row naming each cell's column ("Size: S; Price: $3"),
 * list items stay lines. A leading `# Title` names the document unless a title is given; front matter's `url:` says
 * which page it is.
 */
export function parseMarkdown(markdown: string, fallbackTitle: string, kind: ParsedDocument['kind'] = 'markdown'): ParsedDocument {
  const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(markdown);
  const url = frontMatter ? /^url:\s*(https?:\/\/\S+)\s*$/m.exec(frontMatter[1] ?? '')?.[1] : undefined;
  const tokens = marked.lexer(frontMatter ? markdown.slice(frontMatter[0].length) : markdown);
  const first = tokens.find((t) => t.type !== 'space');
  const titled = first?.type === 'heading' && (first as Tokens.Heading).depth === 1;
  const title = titled ? inline((first as Tokens.Heading).tokens) : fallbackTitle;
  const sections: Section[] = [];
  // The open headings by depth; the title's section is the document's own (its headings: none beyond the title).
  const path: { depth: number; text: string }[] = [];
  let current: Section = { headings: [], blocks: [] };
  const open = (headings: string[]) => {
    if (current.blocks.length > 0 || current.headings.length > 0) sections.push(current);
    current = { headings, blocks: [] };
  };
  for (const token of tokens) {
    if (token === first && titled) continue;
    if (token.type === 'heading') {
      const heading = token as Tokens.Heading;
      while (path.length > 0 && (path.at(-1)?.depth ?? 0) >= heading.depth) path.pop();
      path.push({ depth: heading.depth, text: inline(heading.tokens) });
      open(path.map((p) => p.text));
      continue;
    }
    const text = block(token).trim();
    if (text) current.blocks.push(text);
  }
  open([]);
  return { title, kind, ...(url ? { url } : {}), sections: sections.filter((s) => s.blocks.length > 0 || s.headings.length > 0) };
}

function block(token: Token): string {
  switch (token.type) {
    case 'paragraph':
    case 'text':
      return 'tokens' in token && token.tokens ? inline(token.tokens) : (token as Tokens.Text).text;
    case 'list':
      return (token as Tokens.List).items.map((item) => `- ${item.tokens.map(block).filter(Boolean).join(' ')}`).join('\n');
    case 'table': {
      const table = token as Tokens.Table;
      const header = table.header.map((cell) => inline(cell.tokens));
      return table.rows
        .map((row) => row.map((cell, i) => (header[i] ? `${header[i]}: ${inline(cell.tokens)}` : inline(cell.tokens))).join('; '))
        .join('\n');
    }
    case 'blockquote':
      return (token as Tokens.Blockquote).tokens.map(block).join('\n');
    case 'code':
      return (token as Tokens.Code).text;
    case 'html':
      return (token as Tokens.HTML).text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    default:
      return '';
  }
}

function inline(tokens: Token[] | undefined): string {
  if (!tokens) return '';
  const text = tokens
    .map((token) => {
      switch (token.type) {
        case 'link': {
          const link = token as Tokens.Link;
          const text = inline(link.tokens);
          return link.href && link.href !== text && !link.href.startsWith('#') ? `${text} (${link.href})` : text;
        }
        case 'image':
          return (token as Tokens.Image).text;
        case 'br':
          return '\n';
        case 'codespan':
          return (token as Tokens.Codespan).text;
        case 'escape':
          return (token as Tokens.Escape).text;
        default:
          return 'tokens' in token && token.tokens ? inline(token.tokens) : 'text' in token ? String(token.text) : '';
      }
    })
    .join('');
  return decodeEntities(text);
}

/** The character references Markdown text and page titles carry (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`), as text. */
export function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}
