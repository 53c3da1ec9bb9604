import type { Meta, StoryContext, StoryObj } from '@storybook/web-components-vite';
import { FakeAuthenticator } from '@waizant/support-core/testing';
import { withActions } from 'storybook/actions/decorator';
import * as drive from './drive.js';
import {
  driveOf,
  type ElementArgs,
  elementArgTypes,
  FLOW_CSS_PROPS,
  FLOW_EVENTS,
  renderFlow,
} from './support.js';
import { worldOf } from './world.js';

// The agent's passkey step-up (issue #17) on the agent-code step, under the server's
// `passkey-or-email` mode: the choice, the passkey prompt and its problems, "Set up a passkey"
// and "Your passkeys". The browser's own prompt is played by a fake authenticator.
const authenticators = new WeakMap<object, FakeAuthenticator>();
const authenticatorOf = (context: StoryContext) => {
  const { fake } = worldOf(context);
  let authenticator = authenticators.get(fake);
  if (!authenticator) {
    authenticator = new FakeAuthenticator({ latencyMs: 400 });
    authenticators.set(fake, authenticator);
  }
  return authenticator;
};

const meta = {
  title: 'Elements/Support flow/Passkey step-up',
  component: 'waizant-support-flow',
  render: renderFlow,
  argTypes: elementArgTypes(FLOW_CSS_PROPS),
  decorators: [withActions],
  parameters: {
    flow: 'technical-assistance',
    actions: { handles: FLOW_EVENTS },
    world: { fake: { agentStepUp: 'passkey-or-email' } },
  },
} satisfies Meta<ElementArgs>;

export default meta;
type Story = StoryObj<ElementArgs>;

/** The flow on the canvas, given the story's fake authenticator, at the agent's step. */
async function atAgentStep(context: StoryContext) {
  const d = await driveOf(context);
  d.el.passkeys = authenticatorOf(context);
  await d.el.updateComplete;
  const { admin } = worldOf(context).people;
  await drive.search(d, admin.email);
  await drive.start(d);
  await drive.chooseEcosystem(d, admin.ecosystems[0]!.id);
  await drive.settle(d, (s) => s.passkeyPhase === 'choosing', 'the step-up choice');
  return d;
}

async function emailCodePassed(context: StoryContext) {
  const d = await atAgentStep(context);
  await drive.press(d.el, '[data-action="choose-email-code"]', d.signal);
  await drive.sendCode(d);
  await drive.enterCode(d, 'agent');
  await drive.settle(d, (s) => s.view === 'passkeySetup', 'the set-up offer');
  return d;
}

export const StepUpChoice: Story = {
  play: async (context) => {
    await atAgentStep(context);
  },
};

export const SetUpAPasskey: Story = {
  play: async (context) => {
    await emailCodePassed(context);
  },
};

export const YourPasskeys: Story = {
  play: async (context) => {
    const d = await emailCodePassed(context);
    const added = Date.parse('2026-11-02T09:00:00.000Z');
    d.fake.passkeys.push({
      id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      credentialId: 'c3Rvcnk',
      name: 'Work laptop',
      transports: ['internal'],
      counter: 3,
      createdAt: added,
      lastUsedAt: added + 86_400_000,
    });
    await drive.press(d.el, '[data-action="manage-passkeys"]', d.signal);
  },
};

export const PasskeyPrompt: Story = {
  play: async (context) => {
    const d = await atAgentStep(context);
    await drive.press(d.el, '[data-action="choose-passkey"]', d.signal);
  },
};

export const PromptClosedOrNoPasskey: Story = {
  play: async (context) => {
    const d = await atAgentStep(context);
    await drive.press(d.el, '[data-action="choose-passkey"]', d.signal);
    authenticatorOf(context).failNext('NotAllowedError');
    await drive.press(d.el, '[data-action="use-passkey"]', d.signal);
  },
};

export const WrongOrigin: Story = {
  play: async (context) => {
    const d = await atAgentStep(context);
    await drive.press(d.el, '[data-action="choose-passkey"]', d.signal);
    authenticatorOf(context).failNext('SecurityError');
    await drive.press(d.el, '[data-action="use-passkey"]', d.signal);
  },
};
