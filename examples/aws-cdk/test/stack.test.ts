import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLambdas, FUNCTIONS, OUT_DIR } from '../scripts/build-lambdas.js';
import { AGENT_GROUP, ASSISTED_CLIENT_ID_PARAMETER } from '../src/identity.js';
import { SupportKitStack } from '../src/stack.js';

let template: Template;
let outdir: string;
let stack: SupportKitStack;

beforeAll(async () => {
  await buildLambdas();
  outdir = mkdtempSync(join(tmpdir(), 'waizant-cdk-'));
  const app = new App({ outdir });
  stack = new SupportKitStack(app, 'WaizantSupportKit');
  // The same synthesis `cdk synth` runs: no credentials, no lookups, no Docker.
  app.synth();
  template = Template.fromStack(stack);
  return () => rmSync(outdir, { recursive: true, force: true });
});

const ref = (id: string) => ({ Ref: id });
const logicalId = (type: string, props: Record<string, unknown>) => {
  const found = Object.keys(template.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return found[0] as string;
};

describe('the synthesized template', () => {
  it('is written to the cloud assembly with one small asset per function', () => {
    expect(existsSync(join(outdir, 'WaizantSupportKit.template.json'))).toBe(true);
    for (const name of FUNCTIONS) {
      const size = readFileSync(join(OUT_DIR, name, 'index.mjs')).length;
      expect(size, name).toBeLessThan(50_000);
    }
  });

  it('two pools: agents (no self sign-up, MFA) and end users (Essentials, for access-token claims)', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 2);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'waizant-support-agents',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'waizant-support-users',
      UserPoolTier: 'ESSENTIALS',
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: AGENT_GROUP });
  });

  it("the triggers attach to the end users' pool only; PreTokenGeneration as V2_0", () => {
    const define = logicalId('AWS::Lambda::Function', {
      FunctionName: 'waizant-support-define-auth-challenge',
    });
    const create = logicalId('AWS::Lambda::Function', {
      FunctionName: 'waizant-support-create-auth-challenge',
    });
    const verify = logicalId('AWS::Lambda::Function', {
      FunctionName: 'waizant-support-verify-auth-challenge',
    });
    const preToken = logicalId('AWS::Lambda::Function', {
      FunctionName: 'waizant-support-pre-token-generation',
    });
    const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'waizant-support-users',
      LambdaConfig: {
        DefineAuthChallenge: arn(define),
        CreateAuthChallenge: arn(create),
        VerifyAuthChallengeResponse: arn(verify),
        PreTokenGenerationConfig: { LambdaArn: arn(preToken), LambdaVersion: 'V2_0' },
      },
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'waizant-support-agents',
      LambdaConfig: Match.absent(),
    });
    // Cognito may invoke each trigger, for this pool only.
    const pool = logicalId('AWS::Cognito::UserPool', { UserPoolName: 'waizant-support-users' });
    for (const fn of [define, create, verify, preToken]) {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: arn(fn),
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: arn(pool),
      });
    }
    template.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x' });
  });

  it('the assisted client: custom auth (+ the refresh flow Cognito requires), shortest lifetimes, revocation', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'waizant-support-assisted',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AuthSessionValidity: 3,
      AccessTokenValidity: 5,
      IdTokenValidity: 5,
      RefreshTokenValidity: 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      AllowedOAuthFlowsUserPoolClient: false,
    });
    const client = logicalId('AWS::Cognito::UserPoolClient', { ClientName: 'waizant-support-assisted' });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: ASSISTED_CLIENT_ID_PARAMETER,
      Value: ref(client),
    });
  });

  it('no other client allows custom auth: back office and destination apps use SRP', () => {
    const clients = template.findResources('AWS::Cognito::UserPoolClient');
    const custom = Object.values(clients).filter((c) =>
      (c.Properties.ExplicitAuthFlows as string[]).includes('ALLOW_CUSTOM_AUTH'),
    );
    expect(custom.map((c) => c.Properties.ClientName)).toEqual(['waizant-support-assisted']);
    for (const name of ['back-office', 'web', 'store', 'app']) {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ClientName: `waizant-support-${name}`,
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
      });
    }
    const agents = logicalId('AWS::Cognito::UserPool', { UserPoolName: 'waizant-support-agents' });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'waizant-support-back-office',
      UserPoolId: ref(agents),
    });
  });

  it('the secret is KMS-encrypted; only Verify and PreTokenGeneration may read it', () => {
    const key = logicalId('AWS::KMS::Key', { EnableKeyRotation: true });
    const secret = logicalId('AWS::SecretsManager::Secret', { Name: 'waizant-support/assisted-secret' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
    const readers = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, p]) =>
        JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue'),
      )
      .map(([, p]) => p.Properties.Roles[0].Ref as string)
      .sort();
    const roleOf = (name: string) =>
      (
        template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } }) as Record<
          string,
          { Properties: { Role: { 'Fn::GetAtt': [string, string] } } }
        >
      )[logicalId('AWS::Lambda::Function', { FunctionName: name })]?.Properties.Role['Fn::GetAtt'][0];
    expect(readers).toEqual(
      [
        roleOf('waizant-support-verify-auth-challenge'),
        roleOf('waizant-support-pre-token-generation'),
      ].sort(),
    );
    for (const name of ['verify-auth-challenge', 'pre-token-generation']) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [ref(roleOf(`waizant-support-${name}`) as string)],
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Action: 'ssm:GetParameter' }),
            Match.objectLike({ Action: 'secretsmanager:GetSecretValue', Resource: ref(secret) }),
            Match.objectLike({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [key, 'Arn'] } }),
          ],
        },
      });
    }
  });

  it("the adapter policy: the end users' pool Admin calls, the e-mail function, the secret", () => {
    const users = logicalId('AWS::Cognito::UserPool', { UserPoolName: 'waizant-support-users' });
    const send = logicalId('AWS::Lambda::Function', { FunctionName: 'waizant-support-send-email' });
    const secret = logicalId('AWS::SecretsManager::Secret', { Name: 'waizant-support/assisted-secret' });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'waizant-support-adapter',
      PolicyDocument: {
        Statement: [
          {
            Sid: 'EndUserPool',
            Effect: 'Allow',
            Action: [
              'cognito-idp:AdminInitiateAuth',
              'cognito-idp:AdminRespondToAuthChallenge',
              'cognito-idp:ListUsers',
              'cognito-idp:AdminGetUser',
            ],
            Resource: { 'Fn::GetAtt': [users, 'Arn'] },
          },
          {
            Sid: 'SendEmail',
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: { 'Fn::GetAtt': [send, 'Arn'] },
          },
          {
            Sid: 'AssistedSecret',
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: ref(secret),
          },
          Match.objectLike({ Sid: 'AssistedSecretKey', Action: 'kms:Decrypt' }),
        ],
      },
    });
  });

  it('the e-mail function: its dedupe table with TTL, conditional writes and SES only', () => {
    const table = logicalId('AWS::DynamoDB::Table', { TableName: 'waizant-support-email-issues' });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'issueId', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'waizant-support-send-email',
      Timeout: 10,
      Environment: { Variables: Match.objectLike({ WAIZANT_ISSUES_TABLE: ref(table) }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
            Resource: { 'Fn::GetAtt': [table, 'Arn'] },
          },
          Match.objectLike({ Action: 'ses:SendEmail' }),
        ],
      },
    });
  });
});
