import {
  createDefineAuthChallengeHandler,
  type DefineAuthChallengeEvent,
} from '@waizant/support-server-adapter/aws/triggers';
import { assistedClientId } from './config.js';

export async function handler(event: DefineAuthChallengeEvent): Promise<DefineAuthChallengeEvent> {
  return createDefineAuthChallengeHandler({ assistedClientId: await assistedClientId() })(event);
}
