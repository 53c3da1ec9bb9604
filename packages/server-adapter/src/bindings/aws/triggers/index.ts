export { createAuthChallengeHandler } from './create-auth-challenge.js';
export {
  createDefineAuthChallengeHandler,
  type DefineAuthChallengeOptions,
} from './define-auth-challenge.js';
export type * from './events.js';
export {
  ASSISTED_CLAIMS,
  createPreTokenGenerationHandler,
  type PreTokenGenerationOptions,
  USER_ID_CLAIM,
} from './pre-token-generation.js';
export {
  createVerifyAuthChallengeHandler,
  type VerifyAuthChallengeOptions,
} from './verify-auth-challenge.js';
