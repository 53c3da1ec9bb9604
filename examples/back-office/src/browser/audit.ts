import { cell, showAgentBadge } from './agent.js';

interface AuditRow {
  at: string;
  agent_id: string | null;
  session_ref: string | null;
  action: string;
  outcome: string;
  detail: unknown;
}

async function refresh(body: HTMLTableSectionElement) {
  const rows = (await (await fetch('/demo/audit')).json()) as AuditRow[];
  body.replaceChildren();
  for (const row of rows) {
    const tr = body.insertRow();
    cell(tr, new Date(row.at).toISOString());
    cell(tr, row.agent_id ?? '');
    cell(tr, row.session_ref?.slice(0, 12) ?? '');
    cell(tr, row.action);
    cell(tr, row.outcome);
    cell(tr, JSON.stringify(row.detail), true);
  }
}

showAgentBadge();
const body = document.getElementById('rows') as HTMLTableSectionElement;
void refresh(body);
setInterval(() => void refresh(body), 3000);
