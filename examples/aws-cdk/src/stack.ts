import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { AGENT_GROUP, SupportIdentity } from './identity.js';
import { SupportNotifications } from './notifications.js';

export interface SupportKitStackProps extends StackProps {
  /** Prefix of every named resource. Default `waizant-support`. */
  readonly prefix?: string;
  readonly senderDomain?: string;
  readonly fromAddress?: string;
}

/**
 * Reference deployment of the kit's AWS side, as packages/server-adapter/src/bindings/aws/README.md
 * documents it: both pools and their clients, the triggers, the e-mail Lambda, the shared secret
 * and one managed policy for the adapter's principal. The adapter itself (and its PostgreSQL) run
 * wherever the host's backend runs.
 */
export class SupportKitStack extends Stack {
  readonly identity: SupportIdentity;
  readonly notifications: SupportNotifications;
  readonly adapterPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: SupportKitStackProps = {}) {
    super(scope, id, props);
    const prefix = props.prefix ?? 'waizant-support';

    const secretKey = new kms.Key(this, 'SecretKey', {
      alias: `alias/${prefix}-secrets`,
      description: 'Encrypts the Waizant assisted-session secret.',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The HMAC key shared by the adapter (signs) and the Verify / PreTokenGeneration triggers
    // (check). Rotate by putting a new value: the triggers accept AWSCURRENT and AWSPREVIOUS.
    const assistedSecret = new secretsmanager.Secret(this, 'AssistedSecret', {
      secretName: `${prefix}/assisted-secret`,
      description: 'HMAC key of Waizant assisted sessions (>= 32 bytes).',
      encryptionKey: secretKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.identity = new SupportIdentity(this, 'Identity', { prefix, assistedSecret, secretKey });
    this.notifications = new SupportNotifications(this, 'Notifications', {
      prefix,
      senderDomain: props.senderDomain ?? 'support.example.com',
      fromAddress: props.fromAddress ?? 'Waizant Support <no-reply@support.example.com>',
    });

    // Exactly what createCognitoIdentity and createLambdaNotifier call; nothing on the agents' pool
    // (the adapter only fetches its public JWKS). RevokeToken needs no IAM (client id + secret).
    this.adapterPolicy = new iam.ManagedPolicy(this, 'AdapterPolicy', {
      managedPolicyName: `${prefix}-adapter`,
      description: 'Attach to the role the Waizant support server adapter runs as.',
      statements: [
        new iam.PolicyStatement({
          sid: 'EndUserPool',
          actions: [
            'cognito-idp:AdminInitiateAuth',
            'cognito-idp:AdminRespondToAuthChallenge',
            'cognito-idp:ListUsers',
            'cognito-idp:AdminGetUser',
          ],
          resources: [this.identity.endUserPool.userPoolArn],
        }),
        new iam.PolicyStatement({
          sid: 'SendEmail',
          actions: ['lambda:InvokeFunction'],
          resources: [this.notifications.sendEmail.functionArn],
        }),
        new iam.PolicyStatement({
          sid: 'AssistedSecret',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [assistedSecret.secretArn],
        }),
        new iam.PolicyStatement({
          sid: 'AssistedSecretKey',
          actions: ['kms:Decrypt'],
          resources: [secretKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
        }),
      ],
    });

    const { agentPool, backOfficeClient, endUserPool, assistedClient, destinationClients } = this.identity;
    const out = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    out('Region', this.region, 'region');
    out('AgentUserPoolId', agentPool.userPoolId, 'createCognitoIdentity agentUserPoolId');
    out('AgentClientId', backOfficeClient.userPoolClientId, 'createCognitoIdentity agentClientId');
    out('AgentGroup', AGENT_GROUP, 'createCognitoIdentity agentGroup');
    out('UserPoolId', endUserPool.userPoolId, 'createCognitoIdentity userPoolId');
    out('AssistedClientId', assistedClient.userPoolClientId, 'createCognitoIdentity assistedClientId');
    out('AssistedSecretArn', assistedSecret.secretArn, 'read at start-up into assistedSecret');
    out('SendEmailFunction', this.notifications.sendEmail.functionName, 'createLambdaNotifier functions.*');
    out('AdapterPolicyArn', this.adapterPolicy.managedPolicyArn, 'attach to the adapter role');
    for (const [name, client] of Object.entries(destinationClients))
      out(
        `${name}ClientId`,
        client.userPoolClientId,
        `the ${name} app's client (its verifier also accepts AssistedClientId)`,
      );
  }
}
