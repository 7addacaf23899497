// The chat widget: one script tag on any page, no framework, styles isolated in a shadow root and themed by CSS
// variables (--dc-accent, --dc-background, --dc-text, --dc-radius, --dc-font on the `dc-chat` element).
//   <script src="https://<service>/widget.js" data-widget-key="wk_…" async></script>
// A page that knows its visitor may add data-name, data-email and data-phone: agents see them (the phone as not proved).
// Served as one classic script with nothing to import (api/browser-scripts.ts bundles it).
import { ChatWidget } from './chat-widget';
import { widgetSettings } from './settings';

const script = document.currentScript;
if (script instanceof HTMLScriptElement && !customElements.get('dc-chat')) {
  const settings = widgetSettings(script);
  customElements.define(
    'dc-chat',
    class DcChat extends HTMLElement {
      connectedCallback(): void {
        // The widget lives on in the listeners it puts on its shadow root.
        new ChatWidget(this.attachShadow({ mode: 'open' }), settings);
      }
    },
  );
  document.body.append(document.createElement('dc-chat'));
}
