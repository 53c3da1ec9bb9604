import type { Meta, StoryContext, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { withActions } from 'storybook/actions/decorator';
import * as drive from './drive.js';
import {
  ACTIVITY_CSS_PROPS,
  ACTIVITY_EVENTS,
  type ElementArgs,
  elementArgTypes,
  hostStyle,
  langOf,
} from './support.js';
import { REJECTED_TITLE, successorSession, type WorldParameters, worldOf } from './world.js';

// `<successor-activity>` on its own (standalone mode): given `services` and the id of a
// verified Ecosystem Admin session, it reads the session and pages the processes itself.
// The session is verified on the in-memory fake over the contract before the story renders.
// (The docs page describes the element from the Custom Elements Manifest.)
const meta = {
  title: 'Elements/Successor activity',
  component: 'successor-activity',
  tags: ['autodocs'],
  argTypes: elementArgTypes(ACTIVITY_CSS_PROPS),
  decorators: [withActions],
  parameters: {
    actions: { handles: ACTIVITY_EVENTS },
    session: 'verified',
  },
  loaders: [
    async (context) => ({
      sessionId: await successorSession(
        worldOf(context),
        context.parameters.session === 'unverified' ? 'unverified' : 'verified',
      ),
    }),
  ],
  render: (args, context) => html`<successor-activity
    lang=${langOf(args, context)}
    style=${hostStyle(args)}
    .services=${worldOf(context).fake}
    session-id=${String(context.loaded.sessionId)}
  ></successor-activity>`,
} satisfies Meta<ElementArgs>;

export default meta;
type Story = StoryObj<ElementArgs>;

const world = (parameters: WorldParameters) => ({ world: parameters });

const activity = async (context: StoryContext) => {
  const el = await drive.until(
    () => context.canvasElement.querySelector('successor-activity'),
    'the activity on the canvas',
    context.abortSignal,
  );
  await drive.waitForRows(el, context.abortSignal);
  return el;
};

/** 10,000 processes served 100 a page by cursor; the list is virtualized and loads more as it scrolls. */
export const ManyProcesses: Story = {
  parameters: world({ processes: 10_000, fake: { pageSize: 100 } }),
  play: async (context) => {
    await activity(context);
  },
};

/** **See details** on the rejected process. */
export const ProcessDetails: Story = {
  play: async (context) => {
    await drive.openProcessDetails(await activity(context), REJECTED_TITLE, context.abortSignal);
  },
};

/** A successor with no processes in the ecosystem. */
export const NoProcesses: Story = {
  parameters: world({ processes: 0 }),
};

/** The session is not verified: the server refuses the list and the element offers Retry. */
export const LoadFailed: Story = {
  parameters: { session: 'unverified' },
};
