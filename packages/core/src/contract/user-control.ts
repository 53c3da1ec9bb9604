import * as z from 'zod/mini';
import { doc } from './primitives.js';

/**
 * The end user's own controls over an assisted session, served as small HTML pages of the kit
 * (no agent sign-in): the "End this assisted session now" link of the e-mail lands on
 * `GET /end`, whose form posts here. Not in the JSON route table: these answer HTML.
 */
export const END_PAGE_PATH = '/end';

/** The end link's token: 128 bits, base64url (22 characters). */
export const EndLinkToken = doc(z.string().check(z.regex(/^[A-Za-z0-9_-]{22,128}$/, 'malformed token')), {
  description: 'Single-use token of the "End this assisted session now" link (base64url)',
});

/**
 * The form `POST /end` takes (application/x-www-form-urlencoded): `preview` only shows who is
 * assisting and until when; `confirm` ends the support session.
 */
export const EndSessionForm = doc(
  z.strictObject({ token: EndLinkToken, action: z.enum(['preview', 'confirm']) }),
  { id: 'EndSessionForm' },
);
export type EndSessionForm = z.infer<typeof EndSessionForm>;
