/** Defines every element of the kit: `<waizant-support-flow>` and `<successor-activity>`. */
export * from './components/successor-activity/successor-activity.js';
export * from './components/support-flow/support-flow.js';
