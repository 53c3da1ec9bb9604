/**
 * Which methods each path of the handler serves, so that a known path asked with another method
 * is answered 405 with `Allow` (the router alone would say 404).
 */
export class MethodTable {
  private readonly entries = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  /** `prefix`: the handler's base path (no trailing slash), which the router sees in every URL. */
  constructor(private readonly prefix = '') {}

  /** `template` is a route path with `{param}` segments, as in core's route table. */
  add(template: string, method: string): void {
    let entry = this.entries.get(template);
    if (!entry) {
      const source = (this.prefix + template)
        .split(/\{\w+\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]+');
      entry = { pattern: new RegExp(`^${source}$`), methods: new Set() };
      this.entries.set(template, entry);
    }
    entry.methods.add(method);
    // The router answers HEAD with the GET handler.
    if (method === 'GET') entry.methods.add('HEAD');
  }

  /** The `Allow` value for `pathname`, or null when no route has that path. */
  allowFor(pathname: string): string | null {
    const methods = new Set<string>();
    for (const { pattern, methods: m } of this.entries.values()) {
      if (pattern.test(pathname)) for (const method of m) methods.add(method);
    }
    if (methods.size === 0) return null;
    const order = ['GET', 'HEAD', 'POST', 'OPTIONS'];
    return [...methods].sort((a, b) => order.indexOf(a) - order.indexOf(b)).join(', ');
  }
}
