export {
  CLIENT_METADATA,
  type CognitoClientLike,
  type CognitoIdentity,
  type CognitoIdentityOptions,
  type CognitoIdVerifier,
  createCognitoIdentity,
  escapeFilterValue,
  mapCognitoStatus,
} from './cognito-identity.js';
export { EmailPayload } from './email-payload.js';
export {
  createLambdaNotifier,
  type LambdaClientLike,
  type LambdaNotifierFunctions,
  type LambdaNotifierOptions,
} from './lambda-notifier.js';
export {
  createSendEmailHandler,
  type IssueClaimStore,
  type MailSender,
  type SendEmailHandlerOptions,
  type SendEmailResult,
} from './lambdas/send-email.js';
export { AssistedAssertion, signAssertion, verifyAssertion } from './signed-assertion.js';
export * from './triggers/index.js';
