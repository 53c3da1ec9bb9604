import { describe, expect, it } from 'vitest';

describe('importing the elements on a server', () => {
  it('touches no DOM at module load: every entry imports in Node, the define guarded', async () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const index = await import('../../src/index.js');
    const define = await import('../../src/define.js');
    await import('../../src/http/client.js');
    expect(typeof index.WaizantSupportFlow).toBe('function');
    expect(typeof index.SuccessorActivity).toBe('function');
    expect(typeof define.WaizantSupportFlow).toBe('function');
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    // Lit's Node build brings its SSR registry shim; the guarded define registers there, once.
    const registry = (globalThis as { customElements?: CustomElementRegistry }).customElements;
    expect(registry?.get('waizant-support-flow')).toBe(define.WaizantSupportFlow);
    expect(registry?.get('successor-activity')).toBe(define.SuccessorActivity);
    await import('../../src/components/support-flow/support-flow.js');
  });

  it('the HTTP client works in Node with a fetch', async () => {
    const { createHttpSupportServices } = await import('../../src/http/client.js');
    const seen: string[] = [];
    const services = createHttpSupportServices({
      apiBase: 'https://support.example.com/api',
      getToken: () => 'tk',
      fetch: async (input: RequestInfo | URL) => {
        const request = input as Request;
        seen.push(`${request.method} ${request.url} ${request.headers.get('authorization')}`);
        return new Response(JSON.stringify({ found: false }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    const result = await services.lookup(
      { email: 'a@example.com', flow: 'ecosystem-admin' },
      { signal: new AbortController().signal },
    );
    expect(result).toEqual({ found: false });
    expect(seen).toEqual(['POST https://support.example.com/api/lookup Bearer tk']);
  });
});
