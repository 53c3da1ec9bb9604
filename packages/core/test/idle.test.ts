/**
 * The idle state is what the elements paint before the statechart has loaded. It must be the
 * flow's own first view, differing only in that nothing is allowed yet.
 */
import { describe, expect, it } from 'vitest';
import { createSupportFlow, idleSupportFlowState } from '../src/index.js';
import { createFakeSupportServices } from '../src/testing.js';

describe('idleSupportFlowState', () => {
  for (const flow of ['technical-assistance', 'ecosystem-admin'] as const) {
    it(`is the ${flow} flow's first view, pending and with nothing allowed`, () => {
      const running = createSupportFlow({
        flow,
        services: createFakeSupportServices(),
        codeDigits: 8,
      });
      running.start();
      const started = running.state;
      running.stop();
      const idle = idleSupportFlowState(flow, 8);
      expect(idle.pending).toBe(true);
      expect([...idle.allowed]).toEqual([]);
      expect(started.allowed.has('submitEmail')).toBe(true);
      expect({ ...idle, pending: started.pending, allowed: started.allowed }).toEqual(started);
    });
  }
});
