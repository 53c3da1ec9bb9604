import type { ArgTypes, StoryContext } from '@storybook/web-components-vite';
import { html, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import '../src/define.js';
import type { SuccessorActivity } from '../src/components/successor-activity/successor-activity.component.js';
import type { Drive } from './drive.js';
import { find, until } from './drive.js';
import { worldOf } from './world.js';

/** Theming custom properties documented (`@cssprop`) on both elements. */
const SHARED_CSS_PROPS = [
  '--waizant-color-text',
  '--waizant-color-text-muted',
  '--waizant-color-surface',
  '--waizant-color-surface-alt',
  '--waizant-color-border',
  '--waizant-color-accent',
  '--waizant-color-on-accent',
  '--waizant-color-danger',
  '--waizant-color-success',
  '--waizant-radius',
  '--waizant-spacing',
  '--waizant-font-family',
  '--waizant-font-size',
  '--waizant-focus-ring',
  '--waizant-activity-list-height',
] as const;
export const FLOW_CSS_PROPS = [...SHARED_CSS_PROPS, '--waizant-color-warning', '--waizant-qr-size'] as const;
export const ACTIVITY_CSS_PROPS = [...SHARED_CSS_PROPS, '--waizant-activity-row-height'] as const;

export type CssProp = (typeof FLOW_CSS_PROPS)[number] | (typeof ACTIVITY_CSS_PROPS)[number];
export type Lang = 'en' | 'es';

/** Story args: the language and the theming custom properties, set as a style on the host. */
export type ElementArgs = { lang?: Lang } & { [P in CssProp]?: string };

const PLACEHOLDERS: Partial<Record<CssProp, string>> = {
  '--waizant-radius': 'e.g. 0 or 16px',
  '--waizant-spacing': 'e.g. 1rem',
  '--waizant-font-family': 'e.g. Georgia, serif',
  '--waizant-font-size': 'e.g. 18px',
  '--waizant-focus-ring': 'e.g. 0 0 0 3px hotpink',
  '--waizant-qr-size': 'e.g. 160px',
  '--waizant-activity-list-height': 'e.g. 18rem',
  '--waizant-activity-row-height': 'e.g. 4rem',
};

/** Controls: `lang` (wins over the toolbar's language) and one per custom property. */
export function elementArgTypes(props: readonly CssProp[]): ArgTypes<ElementArgs> {
  const argTypes: ArgTypes<ElementArgs> = {
    lang: {
      control: 'inline-radio',
      options: ['en', 'es'],
      description: 'UI language. Unset: the toolbar’s **Language**.',
      table: { category: 'attributes' },
    },
  };
  for (const prop of props) {
    // The manifest types custom properties as `void`; as strings they can also come from the URL.
    argTypes[prop] = prop.startsWith('--waizant-color-')
      ? { control: 'color', type: 'string', table: { category: 'css custom properties' } }
      : {
          control: 'text',
          type: 'string',
          table: { category: 'css custom properties', type: { summary: PLACEHOLDERS[prop] ?? 'CSS value' } },
        };
  }
  return argTypes;
}

/** The host's inline style: every theming arg that is set. */
export function hostStyle(args: ElementArgs) {
  const style: Record<string, string> = {};
  for (const [name, value] of Object.entries(args)) {
    if (name.startsWith('--waizant-') && typeof value === 'string' && value.trim()) style[name] = value;
  }
  return styleMap(style);
}

export function langOf(args: ElementArgs, context: StoryContext): Lang {
  const wanted = args.lang ?? (context.globals.lang as string | undefined);
  return wanted === 'es' ? 'es' : 'en';
}

/** `<waizant-support-flow>` on the story's fake server. */
export function renderFlow(args: ElementArgs, context: StoryContext): TemplateResult {
  const { fake } = worldOf(context);
  const flow = context.parameters.flow === 'ecosystem-admin' ? 'ecosystem-admin' : 'technical-assistance';
  return html`<waizant-support-flow
    flow=${flow}
    lang=${langOf(args, context)}
    handoff-poll-ms="500"
    session-poll-ms="1000"
    style=${hostStyle(args)}
    .services=${fake}
  ></waizant-support-flow>`;
}

/** The flow on the canvas and its fake, for a play function. */
export async function driveOf(context: StoryContext): Promise<Drive> {
  const { fake } = worldOf(context);
  const el = await until(
    () => context.canvasElement.querySelector('waizant-support-flow'),
    'the flow on the canvas',
    context.abortSignal,
  );
  await el.updateComplete;
  return { el, fake, signal: context.abortSignal };
}

/** The `<successor-activity>` inside the flow (Ecosystem Admin's last step). */
export async function activityIn(d: Drive): Promise<SuccessorActivity> {
  return find<SuccessorActivity>(d.el, 'successor-activity', undefined, d.signal);
}

/** Events worth seeing in the Actions panel. */
export const FLOW_EVENTS = [
  'waizant-support-completed',
  'waizant-support-cancelled',
  'waizant-support-expired',
  'waizant-support-handoff',
];
export const ACTIVITY_EVENTS = [
  'successor-activity-ecosystem-change',
  'successor-activity-load-more',
  'successor-activity-open-process',
  'successor-activity-close-process',
  'successor-activity-retry',
];
