/** What the page's script tag tells the widget. */
export interface WidgetSettings {
  /** The tenant's widget key (`data-widget-key`). */
  widgetKey: string | undefined;
  /** The service's origin: the widget talks to the service it was loaded from, whatever page it is on. */
  base: string;
  /** What a page that knows its visitor passes (`data-name`, `data-email`, `data-phone`): agents see it. */
  details: { name?: string; email?: string; phone?: string };
  /** Where this browser keeps the visitor, the session and the live stream's last event, per widget key. */
  store: { visitor: string; session: string; lastEvent: string };
}

export function widgetSettings(script: HTMLScriptElement): WidgetSettings {
  const { widgetKey, name, email, phone } = script.dataset;
  return {
    widgetKey,
    base: new URL(script.src).origin,
    details: { name, email, phone },
    store: { visitor: `dc-visitor:${widgetKey}`, session: `dc-session:${widgetKey}`, lastEvent: `dc-last-event:${widgetKey}` },
  };
}
