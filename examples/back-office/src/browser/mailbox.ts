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
    messageCell(row, message.text);
  }
}

/** The message as text, its links (the user's "End this assisted session now") clickable. */
function messageCell(row: HTMLTableRowElement, text: string) {
  const block = document.createElement('pre');
  for (const part of text.split(/(https?:\/\/\S+)/)) {
    if (/^https?:\/\//.test(part)) {
      const link = document.createElement('a');
      link.href = part;
      link.textContent = part;
      link.target = '_blank';
      link.rel = 'noopener';
      block.append(link);
    } else block.append(part);
  }
  row.insertCell().append(block);
}

showAgentBadge();
const body = document.getElementById('messages') as HTMLTableSectionElement;
void refresh(body);
setInterval(() => void refresh(body), 2000);
