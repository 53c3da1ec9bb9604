/** Static HTML of the demo's pages; every dynamic value is rendered by the page scripts as text. */
export type PageName =
  | 'picker'
  | 'technical-assistance'
  | 'ecosystem-admin'
  | 'react'
  | 'mailbox'
  | 'audit'
  | 'web-home'
  | 'web-my-ecosystem'
  | 'store'
  | 'app';

interface PageSpec {
  title: string;
  script: string;
  body: string;
  nav: boolean;
}

const DESTINATION_BODY = `
  <section class="card" aria-live="polite">
    <h1 id="title"></h1>
    <p id="status">Redeeming the one-time link…</p>
    <p id="lifetime" role="status"></p>
    <dl id="assisted" hidden>
      <dt>Account</dt><dd id="user"></dd>
      <dt>Ecosystem</dt><dd id="ecosystem"></dd>
      <dt>Role</dt><dd id="role"></dd>
      <dt>Page</dt><dd id="page"></dd>
      <dt>Assisted by</dt><dd id="agent"></dd>
      <dt>Access token expires</dt><dd id="expires"></dd>
    </dl>
  </section>`;

const FLOW_BODY = (flow: string, heading: string) => `
  <h1>${heading}</h1>
  <p class="hint">Try <code>maria.admin@example.com</code> (administrator), <code>pedro.managed@example.com</code> (managed user),
  <code>sofia.successor@example.com</code> (successor), <code>jorge.disabled@example.com</code> (disabled).
  Codes arrive in the <a href="/mailbox" target="_blank">mailbox</a>.</p>
  <div class="toolbar"><label>Language <select id="lang"><option value="en">English</option><option value="es">Español</option></select></label>
  <label>Agent step-up (demo setting) <select id="step-up">
    <option value="">Server default</option><option value="email-code">E-mailed code</option>
    <option value="passkey-or-email">Passkey or e-mailed code</option><option value="passkey">Passkey only</option>
  </select></label></div>
  <p class="hint">The step-up setting picks which of the demo's servers the element talks to (all share one database):
  set a passkey up under "Passkey or e-mailed code" before trying "Passkey only".</p>
  <div id="host" data-flow="${flow}"></div>
  <h2>Events</h2>
  <ol id="events" class="events"></ol>`;

const PAGES: Record<PageName, PageSpec> = {
  picker: {
    title: 'Sign in as an agent',
    script: 'picker',
    nav: true,
    body: `<h1>Waizant back office (demo)</h1>
      <p>Pick the support agent you are. In a real back office this is your own sign-in (Amazon Cognito).</p>
      <ul id="agents" class="agents"></ul>
      <p id="current" aria-live="polite"></p>`,
  },
  'technical-assistance': {
    title: 'Technical Assistance',
    script: 'flow',
    nav: true,
    body: FLOW_BODY('technical-assistance', 'User Support · Technical Assistance'),
  },
  'ecosystem-admin': {
    title: 'Ecosystem Admin',
    script: 'flow',
    nav: true,
    body: FLOW_BODY('ecosystem-admin', 'User Support · Ecosystem Admin'),
  },
  react: {
    title: 'React host',
    script: 'react',
    nav: true,
    body: '<h1>The same elements inside a React app</h1><div id="root"></div>',
  },
  mailbox: {
    title: 'Dev mailbox',
    script: 'mailbox',
    nav: true,
    body: `<h1>Dev mailbox</h1>
      <p>What the local outbox would have e-mailed (with the QR picture of an e-mailed App link). Refreshes every two seconds.</p>
      <table class="mail"><thead><tr><th>When</th><th>To</th><th>Subject</th><th>Code</th><th>Message</th></tr></thead><tbody id="messages"></tbody></table>`,
  },
  audit: {
    title: 'Audit log',
    script: 'audit',
    nav: true,
    body: `<h1>Audit log</h1><p>Newest first. Session ids appear only as keyed hashes.</p>
      <table class="mail"><thead><tr><th>When (UTC)</th><th>Agent</th><th>Session ref</th><th>Action</th><th>Outcome</th><th>Detail</th></tr></thead><tbody id="rows"></tbody></table>`,
  },
  'web-home': { title: 'Waizant Web · Home', script: 'destination', nav: false, body: DESTINATION_BODY },
  'web-my-ecosystem': {
    title: 'Waizant Web · My Ecosystem',
    script: 'destination',
    nav: false,
    body: DESTINATION_BODY,
  },
  store: { title: 'Waizant Store', script: 'destination', nav: false, body: DESTINATION_BODY },
  app: { title: 'Waizant App (phone)', script: 'destination', nav: false, body: DESTINATION_BODY },
};

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; }
  nav { display: flex; gap: 1rem; padding: .75rem 1.25rem; background: #1f2a44; color: #fff; flex-wrap: wrap; align-items: center; }
  nav a { color: #fff; }
  nav .agent { margin-left: auto; opacity: .85; }
  main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
  .hint { color: #666; }
  .card { border: 1px solid #ccc; border-radius: 8px; padding: 1rem 1.5rem; max-width: 36rem; margin: 2rem auto; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { font-weight: 600; }
  .events { font-family: ui-monospace, monospace; font-size: .85rem; }
  table.mail { border-collapse: collapse; width: 100%; font-size: .9rem; }
  table.mail td, table.mail th { border-bottom: 1px solid #ddd; padding: .4rem; text-align: left; vertical-align: top; }
  table.mail pre { white-space: pre-wrap; margin: 0; font-family: inherit; }
  .agents button { margin: .25rem 0; }
  .toolbar { margin: .5rem 0 1rem; display: flex; gap: 1.5rem; flex-wrap: wrap; }
`;

export function renderPage(name: PageName): string {
  const page = PAGES[name];
  const nav = page.nav
    ? `<nav aria-label="Back office">
        <strong>Waizant back office</strong>
        <a href="/">Agent</a><a href="/technical-assistance">Technical Assistance</a>
        <a href="/ecosystem-admin">Ecosystem Admin</a><a href="/react">React host</a>
        <a href="/mailbox">Mailbox</a><a href="/audit">Audit</a>
        <span class="agent" id="agent-badge"></span>
      </nav>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Waizant demo</title>
<style>${STYLE}</style>
<script type="module" src="/assets/${page.script}.js"></script>
</head>
<body data-page="${name}">
${nav}
<main>${page.body}</main>
</body>
</html>`;
}
