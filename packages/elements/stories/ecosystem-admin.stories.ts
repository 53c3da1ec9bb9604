import type { Meta, StoryContext, StoryObj } from '@storybook/web-components-vite';
import { withActions } from 'storybook/actions/decorator';
import * as drive from './drive.js';
import {
  activityIn,
  driveOf,
  type ElementArgs,
  elementArgTypes,
  FLOW_CSS_PROPS,
  FLOW_EVENTS,
  renderFlow,
} from './support.js';
import { REJECTED_TITLE, worldOf } from './world.js';

// Module B, **Ecosystem Admin** (successor support) in `<waizant-support-flow flow="ecosystem-admin">`:
// the user's code first, then the internal verification (ecosystem and the agent's code), then
// the successor's activity. Driven through the shadow DOM on the in-memory fake server.
// (The docs page describes the element from the Custom Elements Manifest.)
const meta = {
  title: 'Elements/Support flow/Ecosystem Admin',
  component: 'waizant-support-flow',
  tags: ['autodocs'],
  render: renderFlow,
  argTypes: elementArgTypes(FLOW_CSS_PROPS),
  decorators: [withActions],
  parameters: {
    flow: 'ecosystem-admin',
    actions: { handles: FLOW_EVENTS },
  },
} satisfies Meta<ElementArgs>;

export default meta;
type Story = StoryObj<ElementArgs>;

const successor = (context: StoryContext) => worldOf(context).people.successor;

/** The successor found: the inherited ecosystems on the status card. */
export const LookupSuccessor: Story = {
  play: async (context) => {
    await drive.search(await driveOf(context), successor(context).email);
  },
};

/** Module B verifies the user first: "A verification code will be sent to Sofía Gómez." */
export const UserCodePrompt: Story = {
  play: async (context) => {
    const d = await driveOf(context);
    await drive.search(d, successor(context).email);
    await drive.start(d);
  },
};

/** Internal verification: choose the inherited ecosystem, then **Send verification Code**. */
export const InternalVerification: Story = {
  play: async (context) => {
    const d = await driveOf(context);
    await drive.search(d, successor(context).email);
    await drive.start(d);
    await drive.sendCode(d);
    await drive.enterCode(d, 'user');
    await drive.settle(d, (s) => s.view === 'ecosystem', 'the internal verification');
  },
};

/** The successor's activity: fields, the ecosystem selector and the process list. */
export const SuccessorActivity: Story = {
  play: async (context) => {
    const d = await driveOf(context);
    const user = successor(context);
    await drive.verifyForSuccessor(d, user.email, user.ecosystems[0]!.id);
    await drive.waitForRows(await activityIn(d), d.signal);
  },
};

/** **See details** on the rejected process: the modal over the list. */
export const ProcessDetails: Story = {
  play: async (context) => {
    const d = await driveOf(context);
    const user = successor(context);
    await drive.verifyForSuccessor(d, user.email, user.ecosystems[0]!.id);
    await drive.openProcessDetails(await activityIn(d), REJECTED_TITLE, d.signal);
  },
};
