import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { kitFunction } from './functions.js';

export interface SupportNotificationsProps {
  readonly prefix: string;
  /** Verified SES identity the e-mails come from (a domain, e.g. `support.example.com`). */
  readonly senderDomain: string;
  readonly fromAddress: string;
}

/** The reference e-mail Lambda (one for all three kinds) and its dedupe table. */
export class SupportNotifications extends Construct {
  readonly table: dynamodb.Table;
  readonly sendEmail: lambda.Function;

  constructor(scope: Construct, id: string, props: SupportNotificationsProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'EmailIssues', {
      tableName: `${props.prefix}-email-issues`,
      partitionKey: { name: 'issueId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.sendEmail = kitFunction(this, 'SendEmail', {
      bundle: 'send-email',
      functionName: `${props.prefix}-send-email`,
      description: 'Waizant support e-mails: at most one per issueId',
      // Below the notifier's requestTimeoutMs (15 s by default).
      timeout: Duration.seconds(10),
      environment: { WAIZANT_ISSUES_TABLE: this.table.tableName, WAIZANT_FROM_ADDRESS: props.fromAddress },
    });
    this.sendEmail.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [this.table.tableArn],
      }),
    );
    this.sendEmail.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          Stack.of(this).formatArn({
            service: 'ses',
            resource: 'identity',
            resourceName: props.senderDomain,
          }),
        ],
      }),
    );
  }
}
