import type { StoryContext } from '@storybook/web-components-vite';
import { type FakeSupportOptions, FakeSupportServices } from '@waizant/support-core/testing';
import { type People, people } from '../test/people.js';

export const REJECTED_TITLE = 'The validation process for The Successor was rejected by Waizant';
export const UNKNOWN_EMAIL = 'nobody@example.com';

/** A fake server with its people, for one story. */
export interface World {
  readonly fake: FakeSupportServices;
  readonly people: People;
}

/** What a story may ask of its fake server (`parameters.world`). */
export interface WorldParameters {
  /** Options of the fake (timers, limits, latency). */
  readonly fake?: Omit<FakeSupportOptions, 'users' | 'now'>;
  /** How many processes the successor has in the first inherited ecosystem (default 12). */
  readonly processes?: number;
}

function createWorld(parameters: WorldParameters = {}): World {
  const cast = people();
  const fake = new FakeSupportServices({
    users: Object.values(cast),
    latencyMs: 120,
    ...parameters.fake,
  });
  const [legacy, farm] = cast.successor.ecosystems;
  if (legacy && farm) {
    fake.seedProcesses(cast.successor.id, legacy.id, parameters.processes ?? 12, (i) =>
      i === 0
        ? {
            title: REJECTED_TITLE,
            status: 'rejected',
            kind: 'validation',
            detail: 'Waizant reviewed the documents The Successor sent to validate the succession.',
            reason: 'The ID document had expired',
            decidedBy: 'Waizant compliance',
            decidedAt: '2026-01-02T10:30:00.000Z',
          }
        : {},
    );
    fake.seedProcesses(cast.successor.id, farm.id, 3);
  }
  return { fake, people: cast };
}

const worlds = new WeakMap<HTMLElement, { id: string; world: World }>();

/**
 * The story's fake server. It lives as long as the story stays on its canvas, so changing a
 * control re-renders the same element with the same `services` (the flow keeps its step),
 * and the play function reads the very fake the element talks to.
 */
export function worldOf(context: Pick<StoryContext, 'id' | 'canvasElement' | 'parameters'>): World {
  const cached = worlds.get(context.canvasElement);
  if (cached?.id === context.id) return cached.world;
  const world = createWorld(context.parameters.world as WorldParameters | undefined);
  worlds.set(context.canvasElement, { id: context.id, world });
  return world;
}

const sessions = new WeakMap<World, Map<string, Promise<string>>>();

/**
 * A support session of the successor on the fake, for a standalone `<successor-activity>`:
 * `verified` goes through the Ecosystem Admin steps over the contract (user code, ecosystem,
 * agent code, each read from the outbox), as the flow would; `unverified` stops after creating it.
 */
export function successorSession(
  world: World,
  kind: 'verified' | 'unverified' = 'verified',
): Promise<string> {
  const known = sessions.get(world) ?? new Map<string, Promise<string>>();
  sessions.set(world, known);
  const cached = known.get(kind);
  if (cached) return cached;
  const created = (async () => {
    const { fake, people } = world;
    const options = { signal: new AbortController().signal };
    const session = await fake.createSession(
      { flow: 'ecosystem-admin', userId: people.successor.id },
      options,
    );
    if (kind === 'unverified') return session.id;
    await fake.sendCode(session.id, 'user', options);
    await fake.verifyCode(session.id, 'user', fake.lastCode('user'), options);
    await fake.selectEcosystem(session.id, people.successor.ecosystems[0]!.id, options);
    await fake.sendCode(session.id, 'agent', options);
    await fake.verifyCode(session.id, 'agent', fake.lastCode('agent'), options);
    return session.id;
  })();
  known.set(kind, created);
  return created;
}
