import { SupportError } from '@waizant/support-core';

export function invalid(issues: Array<{ path: string; message: string }>): SupportError {
  return new SupportError('invalid_input', 'Invalid input.', { issues: issues.slice(0, 20) });
}

/**
 * Reads at most `limit` bytes of the body. A declared or streamed excess is refused without
 * reading on (the mount then closes the connection); a body the client broke off is a 400,
 * never an unexpected error.
 */
export async function readBody(req: Request, limit: number): Promise<string> {
  const tooLarge = () => new SupportError('payload_too_large', `The request body exceeds ${limit} bytes.`);
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge();
  if (!req.body) return '';
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = req.body.getReader();
  } catch {
    throw new SupportError('invalid_input', 'The request body could not be read.');
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let next: Awaited<ReturnType<typeof reader.read>>;
    try {
      next = await reader.read();
    } catch {
      throw new SupportError('invalid_input', 'The request body could not be read.');
    }
    if (next.done) break;
    total += next.value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(next.value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid([{ path: 'body', message: 'the body is not valid UTF-8' }]);
  }
}
