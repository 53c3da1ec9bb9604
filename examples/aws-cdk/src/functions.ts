import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Where scripts/build-lambdas.mjs puts one small bundle per function. */
export const LAMBDA_DIST = join(import.meta.dirname, '..', 'lambda-dist');

export interface KitFunctionProps {
  /** Folder under lambda-dist (and file under lambda/). */
  readonly bundle: string;
  readonly functionName: string;
  readonly description: string;
  readonly environment?: Record<string, string>;
  /** Cognito waits 5 s for a trigger; the e-mail function gets longer (keep it below the notifier's timeout). */
  readonly timeout?: Duration;
}

/** A Node.js 22 function from a prebuilt bundle: synthesizes without Docker and without bundling here. */
export function kitFunction(scope: Construct, id: string, props: KitFunctionProps): lambda.Function {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    logGroupName: `/aws/lambda/${props.functionName}`,
    retention: logs.RetentionDays.ONE_MONTH,
  });
  return new lambda.Function(scope, id, {
    functionName: props.functionName,
    description: props.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(join(LAMBDA_DIST, props.bundle)),
    memorySize: 256,
    timeout: props.timeout ?? Duration.seconds(5),
    environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    logGroup,
  });
}
