import type { IssueClaimStore } from '../../src/bindings/aws/lambdas/send-email.js';
import type { LogFields, Logger } from '../../src/ports/index.js';

export interface CapturingLogger extends Logger {
  readonly lines: string[];
  text(): string;
}

/** Records every log line (message + fields) so tests can grep them for secrets. */
export function capturingLogger(): CapturingLogger {
  const lines: string[] = [];
  const line = (level: string) => (message: string, fields?: LogFields) => {
    lines.push(JSON.stringify({ level, message, ...fields }));
  };
  return {
    lines,
    text: () => lines.join('\n'),
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
  };
}

/** In-memory claim store: tests only (not shared between Lambda instances). */
export function memoryClaimStore(): IssueClaimStore & {
  readonly claimed: ReadonlyMap<string, 'pending' | 'sent'>;
} {
  const claimed = new Map<string, 'pending' | 'sent'>();
  return {
    claimed,
    async claim(issueId) {
      const state = claimed.get(issueId);
      if (state) return state;
      claimed.set(issueId, 'pending');
      return 'claimed';
    },
    async markSent(issueId) {
      if (claimed.get(issueId) === 'pending') claimed.set(issueId, 'sent');
    },
    async release(issueId) {
      if (claimed.get(issueId) === 'pending') claimed.delete(issueId);
    },
  };
}

export const SECRET = 'test-only-assisted-secret-0123456789abcdef';
