import type { OutboxMessage } from '@waizant/support-server-adapter/embedded';
import { cell, showAgentBadge } from './agent.js';

async function refresh(body: HTMLTableSectionElement) {
  const response = await fetch('/api/dev/outbox');
  if (!response.ok) return;
  const messages = (await response.json()) as OutboxMessage[];
  body.replaceChildren();
  for (const message of [...messages].reverse()) {
    const row = body.insertRow();
    // The outbox gives the code as a field: tools read it here instead of parsing the text.
    if (message.code) row.dataset.code = message.code;
    cell(row, new Date(message.createdAt).toLocaleTimeString());
    cell(row, message.to);
    cell(row, message.subject);
    cell(row, message.code ?? '—');
    cell(row, message.text, true);
  }
}

showAgentBadge();
const body = document.getElementById('messages') as HTMLTableSectionElement;
void refresh(body);
setInterval(() => void refresh(body), 2000);
