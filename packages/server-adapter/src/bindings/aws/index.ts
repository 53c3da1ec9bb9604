export {
  CLIENT_METADATA,
  type CognitoAssistedTokens,
  type CognitoClientLike,
  type CognitoIdentity,
  type CognitoIdentityOptions,
  type CognitoIdVerifier,
  createCognitoIdentity,
  escapeFilterValue,
  mapCognitoStatus,
  secretHash,
} from './cognito-identity.js';
export { type EmailPayload, parseEmailPayload } from './email-payload.js';
export { EmailPayloadSchema } from './email-payload-schema.js';
export {
  createLambdaNotifier,
  type LambdaClientLike,
  type LambdaNotifierFunctions,
  type LambdaNotifierOptions,
} from './lambda-notifier.js';
export {
  createSendEmailHandler,
  type IssueClaim,
  type IssueClaimStore,
  type MailSender,
  type SendEmailHandlerOptions,
  type SendEmailResult,
} from './lambdas/send-email.js';
export {
  type AssertionSecrets,
  type AssistedAssertion,
  parseAssistedAssertion,
  signAssertion,
  verifyAssertion,
} from './signed-assertion.js';
export * from './triggers/index.js';
