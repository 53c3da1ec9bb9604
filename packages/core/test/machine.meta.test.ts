/**
 * The statechart's own description of the screen: which view each state renders (`meta.view`),
 * the phases and modals it shows (other `meta` fields), and which states wait on a request
 * (`tags: ['pending']`). The facade reads only these, so they are checked on the definition.
 */
import { describe, expect, it } from 'vitest';
import type { StateMeta } from '../src/machine/types.js';
import { allNodes, lineage, pathOf, requestInvokes, restingLeaves } from './machine-tree.js';

const metaOf = (node: ReturnType<typeof allNodes>[number]) => (node.meta ?? {}) as StateMeta;
const inRegion = (node: ReturnType<typeof allNodes>[number], key: string) =>
  lineage(node).some((n) => n.key === key);

describe('statechart meta and tags', () => {
  it('gives every resting state outside the cancel modal and the inactivity watch exactly one view', () => {
    const painted = restingLeaves().filter((n) => !inRegion(n, 'cancelling') && !inRegion(n, 'inactivity'));
    expect(painted.length).toBeGreaterThan(30);
    for (const leaf of painted) {
      const views = lineage(leaf).flatMap((n) => (metaOf(n).view ? [metaOf(n).view] : []));
      expect(views, pathOf(leaf)).toHaveLength(1);
    }
  });

  it('puts no view inside the cancel modal or the inactivity watch (the modal covers the step it opened on)', () => {
    for (const node of allNodes().filter((n) => inRegion(n, 'cancelling') || inRegion(n, 'inactivity')))
      expect(metaOf(node).view, pathOf(node)).toBeUndefined();
    const modal = restingLeaves().filter((n) => inRegion(n, 'cancelling'));
    expect(modal.map((n) => metaOf(n).cancelModal)).toEqual(['editing', 'submitting']);
  });

  it('sets each meta field at most once along any active path, so merging them is exact', () => {
    for (const leaf of restingLeaves()) {
      const keys = lineage(leaf).flatMap((n) => Object.keys(metaOf(n)));
      expect(new Set(keys).size, `${pathOf(leaf)}: ${keys.join(', ')}`).toBe(keys.length);
    }
    // The inactivity region is active beside the flow: its fields must be its own.
    const keysIn = (inside: boolean) =>
      new Set(
        allNodes()
          .filter((n) => inRegion(n, 'inactivity') === inside)
          .flatMap((n) => Object.keys(metaOf(n))),
      );
    const watch = keysIn(true);
    expect([...watch]).toEqual(['inactivityWarning']);
    for (const key of watch) expect(keysIn(false).has(key)).toBe(false);
  });

  it('tags as pending every state waiting on a request the agent made, and only those', () => {
    const requests = requestInvokes();
    expect(requests.length).toBeGreaterThan(12);
    for (const { id, node } of requests) {
      // The inactivity check asks the server in the background; the agent did not ask for it.
      expect(node.tags.includes('pending'), id).toBe(id !== 'confirmExpiry');
    }
    const waiting = new Set(requests.map((r) => r.node));
    const tagged = allNodes().filter((n) => n.tags.includes('pending'));
    // Routing is the one pending state without a request: it decides at once.
    expect(tagged.filter((n) => !waiting.has(n)).map(pathOf)).toEqual(['session.flow.route']);
  });

  it('names every invoke with an explicit id, each used once', () => {
    const ids = allNodes().flatMap((node) => {
      const config = node.config.invoke;
      const invokes = config === undefined ? [] : Array.isArray(config) ? config : [config];
      return invokes.map((invoke: { id?: unknown }) => invoke.id);
    });
    expect(ids.length).toBeGreaterThan(16);
    for (const id of ids) expect(typeof id).toBe('string');
    expect(new Set(ids).size).toBe(ids.length);
  });
});
