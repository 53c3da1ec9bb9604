// Step: the installed server adapter answers a lookup on node:http under a prefix and on Express.
import assert from 'node:assert/strict';
import { BASE_PATH, DEMO, startExpressHost, startNodeHost } from './host.mjs';

async function lookup(origin, path, token) {
  const response = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ email: DEMO.users.admin.email, flow: 'technical-assistance' }),
  });
  return { status: response.status, body: await response.json() };
}

const node = await startNodeHost();
try {
  const token = await node.kit.issueAgentToken(DEMO.agents.ana.id);
  const found = await lookup(node.origin, `${BASE_PATH}/lookup`, token);
  assert.equal(found.status, 200, `node:http lookup under ${BASE_PATH}: ${JSON.stringify(found.body)}`);
  assert.equal(found.body.found, true);
  const outside = await fetch(`${node.origin}/lookup`);
  assert.equal(outside.status, 404, 'node:http: nothing outside the prefix');
  console.log(`  ok node:http: POST ${BASE_PATH}/lookup found the user (basePath), /lookup is 404`);
} finally {
  await node.close();
}

const app = await startExpressHost();
try {
  const token = await app.kit.issueAgentToken(DEMO.agents.ana.id);
  const found = await lookup(app.origin, `${BASE_PATH}/lookup`, token);
  assert.equal(found.status, 200, `Express lookup: ${JSON.stringify(found.body)}`);
  assert.equal(found.body.found, true);
  const orders = await fetch(`${app.origin}/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 7 }),
  });
  assert.deepEqual(await orders.json(), { received: { id: 7 } });
  console.log(
    `  ok Express: POST ${BASE_PATH}/lookup found the user; express.json() serves the host's /orders`,
  );
} finally {
  await app.close();
}
