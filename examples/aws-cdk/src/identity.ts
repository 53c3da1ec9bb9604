import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { kitFunction } from './functions.js';

/** The Cognito group every agent must be in (`agentGroup` of `createCognitoIdentity`). */
export const AGENT_GROUP = 'support-agents';
/** SSM parameter holding the assisted client id, read by the triggers (see lambda/config.ts). */
export const ASSISTED_CLIENT_ID_PARAMETER = '/waizant/support/assisted-client-id';
/** The destination apps: each signs its users in with its own client of the end users' pool. */
export const DESTINATIONS = ['web', 'store', 'app'] as const;

export interface SupportIdentityProps {
  readonly prefix: string;
  readonly assistedSecret: secretsmanager.ISecret;
  readonly secretKey: kms.IKey;
}

/**
 * The two pools (README, "Production setup"):
 * - agents: the back office's sign-in; the adapter only reads its public keys (JWKS);
 * - end users: Waizant's users, the destination apps' clients, the assisted client and the four
 *   CUSTOM_AUTH / PreTokenGeneration triggers.
 */
export class SupportIdentity extends Construct {
  readonly agentPool: cognito.UserPool;
  readonly backOfficeClient: cognito.UserPoolClient;
  readonly endUserPool: cognito.UserPool;
  readonly assistedClient: cognito.UserPoolClient;
  readonly destinationClients: Record<(typeof DESTINATIONS)[number], cognito.UserPoolClient>;
  readonly triggers: Record<'define' | 'create' | 'verify' | 'preToken', lambda.Function>;

  constructor(scope: Construct, id: string, props: SupportIdentityProps) {
    super(scope, id);
    const { prefix } = props;

    this.agentPool = new cognito.UserPool(this, 'AgentPool', {
      userPoolName: `${prefix}-agents`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new cognito.CfnUserPoolGroup(this, 'AgentGroup', {
      userPoolId: this.agentPool.userPoolId,
      groupName: AGENT_GROUP,
      description: 'Waizant support agents (checked in the ID token by the adapter).',
    });
    this.backOfficeClient = this.agentPool.addClient('BackOfficeClient', {
      userPoolClientName: `${prefix}-back-office`,
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
    });

    const config = {
      WAIZANT_ASSISTED_SECRET_ARN: props.assistedSecret.secretArn,
      WAIZANT_ASSISTED_CLIENT_ID_PARAMETER: ASSISTED_CLIENT_ID_PARAMETER,
    };
    const trigger = (key: string, bundle: string, description: string, env: Record<string, string>) =>
      kitFunction(this, key, { bundle, functionName: `${prefix}-${bundle}`, description, environment: env });
    this.triggers = {
      define: trigger(
        'DefineAuthChallenge',
        'define-auth-challenge',
        'Assisted sessions: one custom challenge',
        {
          WAIZANT_ASSISTED_CLIENT_ID_PARAMETER: ASSISTED_CLIENT_ID_PARAMETER,
        },
      ),
      create: trigger('CreateAuthChallenge', 'create-auth-challenge', 'Assisted sessions: the challenge', {}),
      verify: trigger(
        'VerifyAuthChallenge',
        'verify-auth-challenge',
        'Assisted sessions: checks the signed answer',
        config,
      ),
      preToken: trigger(
        'PreTokenGeneration',
        'pre-token-generation',
        'Assisted sessions: act and support claims',
        config,
      ),
    };
    // Read by name, not by reference: the parameter depends on the client, the client on the pool,
    // the pool on these functions.
    const parameterArn = Stack.of(this).formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: ASSISTED_CLIENT_ID_PARAMETER.slice(1),
    });
    for (const fn of [this.triggers.define, this.triggers.verify, this.triggers.preToken]) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn] }),
      );
    }
    for (const fn of [this.triggers.verify, this.triggers.preToken]) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [props.assistedSecret.secretArn],
        }),
      );
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.secretKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
          },
        }),
      );
    }

    this.endUserPool = new cognito.UserPool(this, 'EndUserPool', {
      userPoolName: `${prefix}-users`,
      // Access-token customisation (PreTokenGeneration V2_0) needs Essentials or Plus.
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      signInAliases: { email: true },
      selfSignUpEnabled: true,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lambdaTriggers: {
        defineAuthChallenge: this.triggers.define,
        createAuthChallenge: this.triggers.create,
        verifyAuthChallengeResponse: this.triggers.verify,
      },
    });
    this.endUserPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.triggers.preToken,
      cognito.LambdaVersion.V2_0,
    );

    this.assistedClient = this.endUserPool.addClient('AssistedClient', {
      userPoolClientName: `${prefix}-assisted`,
      // Used by the adapter only, over IAM-signed Admin calls. With a secret, pass
      // assistedClientSecret to createCognitoIdentity (SECRET_HASH on every call).
      generateSecret: false,
      // CDK adds ALLOW_REFRESH_TOKEN_AUTH, which Cognito requires; PreTokenGeneration refuses
      // refreshes on this client, so an assisted session cannot be extended.
      authFlows: { custom: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      authSessionValidity: Duration.minutes(3),
      // The assisted token's real lifetime (Cognito's minimum): the adapter's
      // assistedTokenTtlSeconds only sets the embedded signer's tokens.
      accessTokenValidity: Duration.minutes(5),
      idTokenValidity: Duration.minutes(5),
      refreshTokenValidity: Duration.minutes(60),
    });
    new ssm.StringParameter(this, 'AssistedClientIdParameter', {
      parameterName: ASSISTED_CLIENT_ID_PARAMETER,
      stringValue: this.assistedClient.userPoolClientId,
      description: 'App client id of Waizant assisted sessions (read by the CUSTOM_AUTH triggers).',
    });

    const destination = (name: (typeof DESTINATIONS)[number]) =>
      this.endUserPool.addClient(`${name[0]?.toUpperCase()}${name.slice(1)}Client`, {
        userPoolClientName: `${prefix}-${name}`,
        generateSecret: false,
        // Never ALLOW_CUSTOM_AUTH here: only the assisted client may run the custom challenge.
        authFlows: { userSrp: true },
        disableOAuth: true,
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
      });
    this.destinationClients = {
      web: destination('web'),
      store: destination('store'),
      app: destination('app'),
    };
  }
}
