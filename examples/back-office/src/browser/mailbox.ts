import { cell, showAgentBadge } from './agent.js';

interface Message {
  createdAt?: string;
  created_at?: string;
  to: string;
  subject: string;
  text: string;
}

async function refresh(body: HTMLTableSectionElement) {
  const response = await fetch('/api/dev/outbox');
  if (!response.ok) return;
  const payload = (await response.json()) as Message[] | { messages: Message[] };
  const messages = Array.isArray(payload) ? payload : payload.messages;
  body.replaceChildren();
  for (const message of [...messages].reverse()) {
    const row = body.insertRow();
    cell(row, new Date(message.createdAt ?? message.created_at ?? Date.now()).toLocaleTimeString());
    cell(row, message.to);
    cell(row, message.subject);
    cell(row, message.text, true);
  }
}

showAgentBadge();
const body = document.getElementById('messages') as HTMLTableSectionElement;
void refresh(body);
setInterval(() => void refresh(body), 2000);
