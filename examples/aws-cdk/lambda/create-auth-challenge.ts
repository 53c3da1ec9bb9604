// No configuration: the challenge carries no secret (the answer is checked by Verify).
export { createAuthChallengeHandler as handler } from '@waizant/support-server-adapter/aws/triggers';
