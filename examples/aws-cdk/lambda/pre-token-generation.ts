import {
  createPreTokenGenerationHandler,
  type PreTokenGenerationEvent,
} from '@waizant/support-server-adapter/aws/triggers';
import { assistedClientId, assistedSecrets } from './config.js';

export async function handler<E extends PreTokenGenerationEvent>(event: E): Promise<E> {
  const [secret, clientId] = await Promise.all([assistedSecrets(), assistedClientId()]);
  return createPreTokenGenerationHandler({ secret, assistedClientId: clientId })(event);
}
