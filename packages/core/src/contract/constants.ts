/**
 * Plain values of the contract, kept apart from its schemas so browser code can read them
 * without loading the validator.
 */
export const EMAIL_MAX_LENGTH = 254;
export const DEFAULT_CODE_DIGITS = 6;
/** How long a server may make its codes: shorter is guessable, longer is unkind to type. */
export const CODE_DIGITS_MIN = 6;
export const CODE_DIGITS_MAX = 10;
export const CANCEL_REASON_MIN = 3;
export const CANCEL_REASON_MAX = 500;
