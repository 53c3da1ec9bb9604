import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { createSendEmailHandler } from '@waizant/support-server-adapter/aws/triggers';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoClaimStore } from '../lambda/claim-store.js';

// No local DynamoDB server runs here (DynamoDB Local needs Java), so the exact commands are asserted.
const db = new DynamoDBClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const dynamo = mockClient(db);
const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);
const store = dynamoClaimStore(db, 'issues', () => NOW);
const refused = (state?: 'pending' | 'sent') =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(state ? { Item: { issueId: { S: 'i-1' }, state: { S: state } } } : {}),
  });

beforeEach(() => dynamo.reset());

describe('DynamoDB claim store', () => {
  it('claim: one conditional PutItem of a pending item, the old item returned on refusal', async () => {
    dynamo.on(PutItemCommand).resolves({});
    await expect(store.claim('i-1')).resolves.toBe('claimed');
    expect(dynamo.calls()).toHaveLength(1);
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'issues',
      Item: { issueId: { S: 'i-1' }, state: { S: 'pending' }, expiresAt: { N: String(NOW / 1000 + 86_400) } },
      ConditionExpression: 'attribute_not_exists(issueId)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('claim of an existing issueId reports its state, without a second read', async () => {
    dynamo.on(PutItemCommand).rejectsOnce(refused('pending')).rejectsOnce(refused('sent'));
    await expect(store.claim('i-1')).resolves.toBe('pending');
    await expect(store.claim('i-1')).resolves.toBe('sent');
    expect(dynamo.calls()).toHaveLength(2);
  });

  it('markSent: pending → sent, conditionally', async () => {
    dynamo.on(UpdateItemCommand).resolves({});
    await store.markSent('i-1');
    expect(dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'issues',
      Key: { issueId: { S: 'i-1' } },
      UpdateExpression: 'SET #state = :sent',
      ConditionExpression: '#state = :pending',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':sent': { S: 'sent' }, ':pending': { S: 'pending' } },
    });
  });

  it('release deletes only a pending claim; a sent one stays', async () => {
    dynamo.on(DeleteItemCommand).rejects(refused());
    await expect(store.release('i-1')).resolves.toBeUndefined();
    expect(dynamo.commandCalls(DeleteItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'issues',
      Key: { issueId: { S: 'i-1' } },
      ConditionExpression: '#state = :pending',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':pending': { S: 'pending' } },
    });
  });

  it('with the reference handler: a retry meeting a pending claim fails, one after sent is a duplicate', async () => {
    const payload = { issueId: 'i-1', kind: 'user_code', to: 'ana@example.com', subject: 's', text: 't' };
    const mails: string[] = [];
    const handler = createSendEmailHandler({ store, send: async (m) => void mails.push(m.messageId) });
    dynamo.on(PutItemCommand).rejectsOnce(refused('pending')).rejectsOnce(refused('sent'));
    await expect(handler(payload)).rejects.toThrow('The same notification is still being sent.');
    await expect(handler(payload)).resolves.toEqual({ status: 'duplicate' });
    expect(mails).toEqual([]);
  });
});
