import {
  createVerifyAuthChallengeHandler,
  type VerifyAuthChallengeResponseEvent,
} from '@waizant/support-server-adapter/aws/triggers';
import { assistedClientId, assistedSecrets } from './config.js';

export async function handler(
  event: VerifyAuthChallengeResponseEvent,
): Promise<VerifyAuthChallengeResponseEvent> {
  const [secret, clientId] = await Promise.all([assistedSecrets(), assistedClientId()]);
  return createVerifyAuthChallengeHandler({ secret, assistedClientId: clientId })(event);
}
