import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { createSendEmailHandler } from '@waizant/support-server-adapter/aws/triggers';
import { dynamoClaimStore } from './claim-store.js';

const TABLE = process.env.WAIZANT_ISSUES_TABLE ?? '';
const FROM = process.env.WAIZANT_FROM_ADDRESS ?? '';
const ses = new SESv2Client({});

export const handler = createSendEmailHandler({
  store: dynamoClaimStore(new DynamoDBClient({}), TABLE),
  async send(mail) {
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: FROM,
        Destination: { ToAddresses: [mail.to] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  },
});
