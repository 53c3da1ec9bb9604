import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

// Read at cold start, then at most every 5 minutes: a rotated secret reaches warm functions too.
const REFRESH_MS = 5 * 60_000;
const secrets = new SecretsManagerClient({});
const ssm = new SSMClient({});

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set.`);
  return value;
}

function cached<T>(load: () => Promise<T>): () => Promise<T> {
  let entry: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!entry || now - entry.at > REFRESH_MS) {
      const value = load();
      entry = { at: now, value };
      // A failed read is not kept: the next invocation tries again.
      value.catch(() => {
        if (entry?.value === value) entry = undefined;
      });
    }
    return entry.value;
  };
}

async function stage(arn: string, versionStage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | null> {
  try {
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: versionStage }));
    return out.SecretString ?? null;
  } catch (error) {
    // Before the first rotation there is no AWSPREVIOUS.
    if (versionStage === 'AWSPREVIOUS' && (error as { name?: string }).name === 'ResourceNotFoundException')
      return null;
    throw error;
  }
}

/** The assisted-session secret: AWSCURRENT, then AWSPREVIOUS while a rotation settles. */
export const assistedSecrets = cached(async () => {
  const arn = env('WAIZANT_ASSISTED_SECRET_ARN');
  const [current, previous] = await Promise.all([stage(arn, 'AWSCURRENT'), stage(arn, 'AWSPREVIOUS')]);
  if (!current) throw new Error('The assisted-session secret is empty.');
  return previous && previous !== current ? [current, previous] : [current];
});

/**
 * The assisted app client id, from an SSM parameter: the client is created after the pool, the
 * pool after its triggers, so the id cannot be an environment variable of the triggers.
 */
export const assistedClientId = cached(async () => {
  const out = await ssm.send(new GetParameterCommand({ Name: env('WAIZANT_ASSISTED_CLIENT_ID_PARAMETER') }));
  const value = out.Parameter?.Value;
  if (!value) throw new Error('The assisted client id parameter is empty.');
  return value;
});
