/** What an element is given: `class`, attributes, and `on…` listeners. */
export type ElementAttributes = Record<string, string | (() => void)>;

/** An element with its attributes, listeners and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: ElementAttributes = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}
