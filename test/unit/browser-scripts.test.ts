import { describe, expect, it } from 'vitest';
import { browserScript } from '../../api/browser-scripts';

/** The scripts browsers get, bundled from api/browser/ without a browser in sight: a broken build fails here first. */
describe('browser scripts', () => {
  it('make the widget one classic script that imports nothing, so any page can embed it with one tag', async () => {
    const widget = await browserScript('widget');
    // A classic script's grammar: an import or export statement would not parse.
    expect(() => new Function(widget)).not.toThrow();
    expect(widget).not.toMatch(/\brequire\(|\bimport\(/);
    expect(widget).toContain('customElements.define(');
    expect(widget).toContain('document.currentScript');
  });

  it('make the console one module that imports nothing', async () => {
    const console = await browserScript('console');
    expect(console).not.toMatch(/^\s*(import|export)\b|\brequire\(|\bimport\(/m);
    expect(console).toContain('fetch("/api/events"');
  });

  it('build each script once per process', () => {
    expect(browserScript('widget')).toBe(browserScript('widget'));
  });
});
