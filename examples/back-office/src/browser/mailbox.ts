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
    row.dataset.kind = message.kind;
    cell(row, new Date(message.createdAt).toLocaleTimeString());
    cell(row, message.to);
    cell(row, message.subject);
    cell(row, message.code ?? '—');
    const content = messageCell(row, message.text);
    // The HTML part's inline pictures (the App link's QR code), shown as the mail client would.
    // The HTML itself is not rendered here: the text part says the same.
    for (const image of message.inline) {
      const picture = document.createElement('img');
      picture.src = `data:${image.contentType};base64,${image.contentBase64}`;
      picture.alt = 'QR picture (inline)';
      picture.dataset.inline = image.cid;
      picture.width = 160;
      picture.height = 160;
      content.append(picture);
    }
  }
}

/** The message as text, its links (the user's "End this assisted session now") clickable. */
function messageCell(row: HTMLTableRowElement, text: string): HTMLTableCellElement {
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
  const content = row.insertCell();
  content.append(block);
  return content;
}

showAgentBadge();
const body = document.getElementById('messages') as HTMLTableSectionElement;
void refresh(body);
setInterval(() => void refresh(body), 2000);
