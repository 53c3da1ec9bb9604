import { startDemo } from './demo.js';

const demo = await startDemo();
const line = '─'.repeat(64);
console.log(`${line}
 Waizant Support Kit — demo back office (embedded defaults)
 Open ${demo.url}

 Agents:   Ana Agent, Bruno Agent (pick one on the first page)
 Users:    maria.admin@example.com        administrator → 3 destinations
           pedro.managed@example.com      managed user  → 2 destinations
           sofia.successor@example.com    successor     → Ecosystem Admin
           jorge.disabled@example.com     disabled      → cannot be assisted
 Mailbox:  ${demo.url}/mailbox   (codes and QR e-mails)
 Audit:    ${demo.url}/audit
 Step-up:  the flow pages' "Agent step-up" setting (default: DEMO_AGENT_STEP_UP or e-mailed code)
 API:      ${demo.url}/api/openapi.json
 Data:     .demo-data/ (delete it to start over)   Ctrl-C stops.
${line}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the demo…');
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
