import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { IssueClaimStore } from '@waizant/support-server-adapter/aws/triggers';

/** Keeps each issueId a day (TTL attribute `expiresAt`): far longer than any retry. */
const TTL_SECONDS = 86_400;

/**
 * `IssueClaimStore` on a DynamoDB table (partition key `issueId` (S), TTL `expiresAt`). Each
 * method is one conditional write, so concurrent invocations cannot both own an issueId.
 */
export function dynamoClaimStore(
  db: Pick<DynamoDBClient, 'send'>,
  table: string,
  now = () => Date.now(),
): IssueClaimStore {
  return {
    async claim(issueId) {
      try {
        await db.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              issueId: { S: issueId },
              state: { S: 'pending' },
              expiresAt: { N: String(Math.floor(now() / 1000) + TTL_SECONDS) },
            },
            ConditionExpression: 'attribute_not_exists(issueId)',
            // The existing item comes back with the refusal: no second read, no race.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'claimed';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return error.Item?.state?.S === 'sent' ? 'sent' : 'pending';
      }
    },
    async markSent(issueId) {
      await db.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { issueId: { S: issueId } },
          UpdateExpression: 'SET #state = :sent',
          ConditionExpression: '#state = :pending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sent': { S: 'sent' }, ':pending': { S: 'pending' } },
        }),
      );
    },
    async release(issueId) {
      try {
        await db.send(
          new DeleteItemCommand({
            TableName: table,
            Key: { issueId: { S: issueId } },
            ConditionExpression: '#state = :pending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':pending': { S: 'pending' } },
          }),
        );
      } catch (error) {
        // Already sent (or gone): nothing to give back.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
