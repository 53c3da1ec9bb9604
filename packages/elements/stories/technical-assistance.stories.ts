import type { Meta, StoryContext, StoryObj } from '@storybook/web-components-vite';
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
import { UNKNOWN_EMAIL, type WorldParameters, worldOf } from './world.js';

// Module A, **Technical Assistance**: every view and state of `<waizant-support-flow>`,
// reached the honest way. Each story renders the element on its own in-memory fake server
// (`@waizant/support-core/testing`) and its play function drives it through the shadow DOM: types
// the email, clicks, reads the codes from the fake's outbox. Use the toolbar (or the `lang`
// control) for Spanish and the theming controls for the `--waizant-*` custom properties.
// (The docs page describes the element from the Custom Elements Manifest.)
const meta = {
  title: 'Elements/Support flow/Technical Assistance',
  component: 'waizant-support-flow',
  tags: ['autodocs'],
  render: renderFlow,
  argTypes: elementArgTypes(FLOW_CSS_PROPS),
  decorators: [withActions],
  parameters: {
    flow: 'technical-assistance',
    actions: { handles: FLOW_EVENTS },
  },
} satisfies Meta<ElementArgs>;

export default meta;
type Story = StoryObj<ElementArgs>;

const cast = (context: StoryContext) => worldOf(context).people;
const world = (parameters: WorldParameters) => ({ world: parameters });

/** Technical Assistance up to the agent's code, sent and awaited. */
async function atAgentCode(context: StoryContext) {
  const d = await driveOf(context);
  const { admin } = cast(context);
  await drive.search(d, admin.email);
  await drive.start(d);
  await drive.chooseEcosystem(d, admin.ecosystems[0]!.id);
  await drive.sendCode(d);
  return d;
}

/** Verified for the administrator (three destinations). */
async function verifiedAdmin(context: StoryContext) {
  const d = await driveOf(context);
  const { admin } = cast(context);
  await drive.verifyForAssistance(d, admin.email, admin.ecosystems[0]!.id);
  return d;
}

/** Verified for the managed user (two destinations). */
async function verifiedManaged(context: StoryContext) {
  const d = await driveOf(context);
  const { managed } = cast(context);
  await drive.verifyForAssistance(d, managed.email, managed.ecosystems[0]!.id);
  return d;
}

// ── lookup ──

/** The first view: an empty email search. */
export const LookupEmpty: Story = {};

/** A malformed email is refused locally, without asking the server. */
export const LookupInvalidEmail: Story = {
  play: async (context) => {
    await drive.search(await driveOf(context), 'not-an-email');
  },
};

/** The user is found and can be assisted: the status card and **Start Verification Process**. */
export const LookupFoundEligible: Story = {
  play: async (context) => {
    await drive.search(await driveOf(context), cast(context).admin.email);
  },
};

/** The user is found but cannot be assisted: the reason, and Start stays disabled. */
export const LookupFoundNotEligible: Story = {
  play: async (context) => {
    await drive.search(await driveOf(context), cast(context).disabled.email);
  },
};

/** No Waizant user has the email. */
export const LookupNotFound: Story = {
  play: async (context) => {
    await drive.search(await driveOf(context), UNKNOWN_EMAIL);
  },
};

// ── verification ──

/** The agent chooses which of the user's ecosystems the support is about. */
export const EcosystemSelector: Story = {
  play: async (context) => {
    const d = await driveOf(context);
    await drive.search(d, cast(context).admin.email);
    await drive.start(d);
  },
};

/** Internal verification: the agent's code is about to be mailed to the agent. */
export const AgentCodePrompt: Story = {
  play: async (context) => {
    const d = await driveOf(context);
    const { admin } = cast(context);
    await drive.search(d, admin.email);
    await drive.start(d);
    await drive.chooseEcosystem(d, admin.ecosystems[0]!.id);
  },
};

/** The agent's code was sent: code entry, expiry, and **Resend** cooling down. */
export const AgentCodeAwaiting: Story = {
  play: async (context) => {
    await atAgentCode(context);
  },
};

/** A wrong code (read from the outbox and altered): the error and the attempts left. */
export const AgentCodeWrong: Story = {
  play: async (context) => {
    const d = await atAgentCode(context);
    await drive.enterCode(d, 'agent', { wrong: true });
  },
};

/** User verification: "A verification code will be sent to Ana Pérez." */
export const UserCodePrompt: Story = {
  play: async (context) => {
    const d = await atAgentCode(context);
    await drive.enterCode(d, 'agent');
    await drive.settle(d, (s) => s.view === 'userCode', 'the user verification');
  },
};

/** The user's code was mailed to the user; the agent types what the user reads out. */
export const UserCodeEntry: Story = {
  play: async (context) => {
    const d = await atAgentCode(context);
    await drive.enterCode(d, 'agent');
    await drive.sendCode(d);
  },
};

// ── destinations and handoffs ──

/** An administrator: Waizant Store, Waizant Web and Waizant App. */
export const DestinationsAdministrator: Story = {
  play: async (context) => {
    await verifiedAdmin(context);
  },
};

/** A managed user: Waizant Web (My Ecosystem) and Waizant App only. */
export const DestinationsManagedUser: Story = {
  play: async (context) => {
    await verifiedManaged(context);
  },
};

/** Waizant Web: a one-time link, opened in a new tab, with its countdown. */
export const WebLinkReady: Story = {
  play: async (context) => {
    await drive.openDestination(await verifiedAdmin(context), 'web');
  },
};

/** Waizant App: the QR the user scans with the phone, waiting to be claimed. */
export const QrWaiting: Story = {
  play: async (context) => {
    await drive.openDestination(await verifiedAdmin(context), 'app');
  },
};

/** The phone redeemed the QR. */
export const QrClaimed: Story = {
  play: async (context) => {
    const d = await verifiedAdmin(context);
    await drive.openDestination(d, 'app');
    await drive.claimQr(d);
  },
};

/** Nobody scanned the QR in time (handoffs last 3 s here): it can be regenerated. */
export const QrExpired: Story = {
  parameters: world({ fake: { handoffTtlMs: 3_000 } }),
  play: async (context) => {
    const d = await verifiedManaged(context);
    await drive.openDestination(d, 'app');
    await drive.waitForQrExpiry(d);
  },
};

// ── cancel and inactivity ──

/** **Cancel** on a live step opens the modal asking for a reason. */
export const CancelModalOpen: Story = {
  play: async (context) => {
    await drive.openCancel(await atAgentCode(context));
  },
};

/** A reason shorter than 3 characters is refused in the modal. */
export const CancelModalShortReason: Story = {
  play: async (context) => {
    const d = await atAgentCode(context);
    await drive.openCancel(d);
    await drive.confirmCancel(d, 'ok');
  },
};

/**
 * The session is about to close for inactivity (the idle limit is 10 minutes here and the
 * warning comes 2 s after the last activity); **I'm still here** keeps it.
 */
export const InactivityWarning: Story = {
  parameters: world({ fake: { idleMs: 600_000, warnBeforeMs: 598_000 } }),
  play: async (context) => {
    const d = await driveOf(context);
    await drive.search(d, cast(context).admin.email);
    await drive.start(d);
    await drive.waitForInactivityWarning(d);
  },
};

// ── final states ──

/** The session closed for inactivity (idle limit 3 s here). */
export const FinalExpired: Story = {
  parameters: world({ fake: { idleMs: 3_000, warnBeforeMs: 2_000 } }),
  play: async (context) => {
    const d = await driveOf(context);
    await drive.search(d, cast(context).admin.email);
    await drive.start(d);
    await drive.waitForExpiry(d);
  },
};

/** The agent cancelled with a reason. */
export const FinalCancelled: Story = {
  play: async (context) => {
    const d = await atAgentCode(context);
    await drive.openCancel(d);
    await drive.confirmCancel(d, 'The user hung up the call');
  },
};

/** Five wrong codes lock the verification. */
export const FinalLockedOut: Story = {
  play: async (context) => {
    await drive.lockOut(await atAgentCode(context), 'agent');
  },
};

/** The agent finished the support after the phone signed in. */
export const FinalCompleted: Story = {
  play: async (context) => {
    const d = await verifiedAdmin(context);
    await drive.openDestination(d, 'app');
    await drive.claimQr(d);
    await drive.finish(d);
  },
};

/** The user ended the session from their e-mail's link while the agent was on the destinations. */
export const FinalEndedByUser: Story = {
  play: async (context) => {
    await drive.endByUser(await verifiedAdmin(context));
  },
};

/** The same, in Spanish. */
export const FinalEndedByUserSpanish: Story = {
  args: { lang: 'es' },
  play: async (context) => {
    await drive.endByUser(await verifiedAdmin(context));
  },
};
