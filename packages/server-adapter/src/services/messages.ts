import type { CodePurpose, DestinationPage } from '@waizant/support-core';
import type { Notification } from '../ports/index.js';

export interface CodeMessageInput {
  readonly issueId: string;
  readonly purpose: CodePurpose;
  readonly to: string;
  readonly code: string;
  readonly agentName: string;
  readonly userName: string;
  readonly ecosystemNames: readonly string[];
  readonly ttlMinutes: number;
}

/**
 * The e-mail with a code. It names the agent and the ecosystem and says why the reader gets
 * it. The user's e-mail asks them to read the code to the agent, so it must not say "never share".
 */
export function composeCodeMessage(input: CodeMessageInput): Notification {
  const ecosystems = input.ecosystemNames.length > 0 ? input.ecosystemNames.join(', ') : '—';
  if (input.purpose === 'agent') {
    return {
      issueId: input.issueId,
      kind: 'agent_code',
      to: input.to,
      code: input.code,
      subject: `Waizant support: your internal verification code`,
      text: [
        `Hello ${input.agentName},`,
        '',
        `You started a support session for ${input.userName} (ecosystem: ${ecosystems}).`,
        `Your internal verification code is: ${input.code}`,
        '',
        `It expires in ${input.ttlMinutes} minutes. Enter it in the back office to continue.`,
        'If you did not start this support session, tell your security team.',
      ].join('\n'),
    };
  }
  return {
    issueId: input.issueId,
    kind: 'user_code',
    to: input.to,
    code: input.code,
    subject: `Waizant support: your verification code for ${input.agentName}`,
    text: [
      `Hello ${input.userName},`,
      '',
      `${input.agentName}, from Waizant support, is helping you with your ecosystem ${ecosystems}`,
      'and needs to confirm that they are talking to you.',
      `Your verification code is: ${input.code}`,
      '',
      `Read this code to ${input.agentName} when they ask for it. It expires in ${input.ttlMinutes} minutes.`,
      'If you are not talking to Waizant support right now, ignore this e-mail.',
    ].join('\n'),
  };
}

export interface AssistedSessionMessageInput {
  readonly issueId: string;
  readonly to: string;
  readonly userName: string;
  readonly agentName: string;
  readonly ecosystemName: string;
  readonly page: DestinationPage;
}

/** The e-mail telling the user that an agent opened an assisted session in their account. */
export function composeAssistedSessionMessage(input: AssistedSessionMessageInput): Notification {
  return {
    issueId: input.issueId,
    kind: 'assisted_session_started',
    to: input.to,
    subject: 'Waizant support opened an assisted session in your account',
    text: [
      `Hello ${input.userName},`,
      '',
      `${input.agentName}, from Waizant support, opened an assisted session in your account`,
      `(ecosystem ${input.ecosystemName}, ${input.page}). It ends when the support session ends.`,
      'If you did not ask Waizant support for help, contact us.',
    ].join('\n'),
  };
}
