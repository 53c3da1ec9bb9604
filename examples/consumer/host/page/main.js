// A host page bundled from the installed packages: defines both tags and wires the flow.
import '@waizant/support-elements/define';
import { resolveLang } from '@waizant/support-elements';

window.hostEvents = [];
const flow = document.querySelector('waizant-support-flow');
flow.lang = resolveLang(navigator.language);
// The host's own sign-in stands behind /token (the embedded signer, as the demo does).
flow.tokenProvider = async () => (await fetch('/token')).text();
for (const name of ['waizant-support-completed', 'waizant-support-handoff']) {
  flow.addEventListener(name, () => window.hostEvents.push(name));
}
