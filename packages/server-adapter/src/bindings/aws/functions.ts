// Entry of `@waizant/support-server-adapter/aws/triggers`: the Cognito CUSTOM_AUTH trigger handlers
// and the reference e-mail Lambda. Nothing here pulls in the AWS SDK, aws-jwt-verify or the server,
// so that each function's bundle stays small.
export { type EmailPayload, parseEmailPayload } from './email-payload.js';
export {
  createSendEmailHandler,
  type IssueClaim,
  type IssueClaimStore,
  type MailSender,
  type SendEmailHandlerOptions,
  type SendEmailResult,
} from './lambdas/send-email.js';
export * from './triggers/index.js';
