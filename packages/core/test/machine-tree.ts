/** The statechart's definition, walked: what the machine tests derive their lists from. */
import type { AnyStateNode } from 'xstate';
import { supportMachine } from '../src/machine.js';

/** Every state node of the machine, depth first. */
export function allNodes(node: AnyStateNode = supportMachine.root): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allNodes(child))];
}

export const pathOf = (node: AnyStateNode) => node.path.join('.');

/** The node and its ancestors, nearest first (the root last). */
export function lineage(node: AnyStateNode): AnyStateNode[] {
  return node.parent ? [node, ...lineage(node.parent)] : [node];
}

/** A state left at once by an unguarded eventless transition: never seen at rest. */
export const isTransient = (node: AnyStateNode) => node.always?.some((t) => !t.guard) ?? false;

/** Leaf states a snapshot can rest in: atomic and final nodes, less the transient ones. */
export const restingLeaves = () =>
  allNodes().filter((n) => (n.type === 'atomic' || n.type === 'final') && !isTransient(n));

/** Invokes the server answers once (a done or an error event), with the node invoking them. */
export const requestInvokes = () =>
  allNodes().flatMap((node) =>
    node.invoke
      .filter((invoke) => node.transitions.has(`xstate.error.actor.${invoke.id}`))
      .map((invoke) => ({ id: invoke.id, node })),
  );

/** Invokes that answer by events of their own (timers, watchers), with the node invoking them. */
export const watcherInvokes = () =>
  allNodes().flatMap((node) =>
    node.invoke
      .filter((invoke) => !node.transitions.has(`xstate.error.actor.${invoke.id}`))
      .map((invoke) => ({ id: invoke.id, node })),
  );
