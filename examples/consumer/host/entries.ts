// Type-checked by the consumer test with skipLibCheck: false, under moduleResolution bundler
// and node16: every public entry a host uses, as a host imports it from the installed tarballs.
import {
  createSupportFlow,
  destinationsForRole,
  Email,
  type FlowError,
  idleSupportFlowState,
  routes,
  SupportError,
  type SupportFlow,
  type SupportFlowState,
  type SupportServices,
} from '@waizant/support-core';
import { buildOpenApiDocument, LookupRequest } from '@waizant/support-core/contract';
import { createSupportMachineActors, type SupportEvent, supportMachine } from '@waizant/support-core/machine';
import { type SupportView, idleSupportFlowState as uiIdle } from '@waizant/support-core/ui';
import {
  createHttpSupportServices,
  resolveLang,
  type WaizantSupportCompletedEvent,
  type WaizantSupportFlow,
} from '@waizant/support-elements';
import '@waizant/support-elements/define';
import { createHttpSupportServices as httpOnly } from '@waizant/support-elements/http';
import type {} from '@waizant/support-elements/react';
import type { SuccessorActivity } from '@waizant/support-elements/successor-activity';
import { WaizantSupportFlow as FlowClass } from '@waizant/support-elements/support-flow';
import {
  CORE_DIRECTORY_MIGRATIONS,
  type CoreDirectory,
  createSupportServer,
  DEFAULT_DESTINATIONS,
  MIN_SECRET_LENGTH,
  runMigrations,
  type SqlDatabase,
  SUPPORT_MIGRATIONS,
  type SupportServer,
  sqlCoreDirectory,
} from '@waizant/support-server-adapter';
import { createDefineAuthChallengeHandler } from '@waizant/support-server-adapter/aws/triggers';
import {
  createEmbeddedSupportServer,
  DEMO,
  type EmbeddedSupportServer,
  openPgliteDatabase,
  outboxNotifier,
  smtpNotifier,
} from '@waizant/support-server-adapter/embedded';
import { toLambdaHandler } from '@waizant/support-server-adapter/lambda';
import { toNodeListener } from '@waizant/support-server-adapter/node';
import { openPostgresDatabase, postgresDatabase } from '@waizant/support-server-adapter/postgres';
import type { Pool } from 'pg';

// @ts-expect-error the statechart is not on the main entry (it is on ./machine)
type NotOnTheMainEntry = typeof import('@waizant/support-core').supportMachine;

export type { NotOnTheMainEntry };

export async function server(pool: Pool): Promise<SupportServer> {
  const database: SqlDatabase = postgresDatabase(pool);
  const directory: CoreDirectory = sqlCoreDirectory(await openPostgresDatabase('postgres://core'));
  await runMigrations(database, [...CORE_DIRECTORY_MIGRATIONS, ...SUPPORT_MIGRATIONS]);
  const embedded: EmbeddedSupportServer = await createEmbeddedSupportServer({
    database: await openPgliteDatabase(),
    basePath: '/api/support',
    notifier: await smtpNotifier({ host: 'localhost', port: 25, from: 'support@example.com' }),
  });
  const token: string = await embedded.issueAgentToken(DEMO.agents.ana.id);
  void [
    token,
    outboxNotifier,
    toNodeListener(embedded.fetch),
    toLambdaHandler(Promise.resolve(embedded.fetch)),
  ];
  void [createDefineAuthChallengeHandler, DEFAULT_DESTINATIONS['web-home'], MIN_SECRET_LENGTH];
  return createSupportServer({
    bindings: {
      database,
      directory,
      identity: embedded.identity,
      notifier: outboxNotifier(database, { now: () => new Date() }),
    },
    secrets: { hmacKey: 'x'.repeat(MIN_SECRET_LENGTH) },
    basePath: '/api/support',
  });
}

export function ui(services: SupportServices): SupportView {
  const flow: SupportFlow = createSupportFlow({ flow: 'technical-assistance', services });
  const state: SupportFlowState = flow.state;
  const error: FlowError | null = state.error;
  const event: SupportEvent = { type: 'EMAIL.SUBMIT', email: Email.parse('a@example.com') };
  void [
    error,
    event,
    supportMachine,
    createSupportMachineActors,
    routes,
    destinationsForRole('administrator'),
  ];
  void [
    buildOpenApiDocument,
    LookupRequest,
    new SupportError('not_found', 'x'),
    httpOnly,
    createHttpSupportServices,
  ];
  return uiIdle('technical-assistance').view ?? idleSupportFlowState('ecosystem-admin').view;
}

export function elements(): string {
  const flow: WaizantSupportFlow = document.createElement('waizant-support-flow');
  const activity: SuccessorActivity = document.createElement('successor-activity');
  flow.addEventListener('waizant-support-completed', (event: WaizantSupportCompletedEvent) => {
    const sessionId: string | null = event.detail.sessionId;
    void sessionId;
  });
  flow.addEventListener('waizant-support-handoff', (event) => {
    // @ts-expect-error the handoff event never carries the link
    void event.detail.url;
  });
  activity.addEventListener('successor-activity-open-process', (event) => void event.detail.processId);
  void FlowClass;
  return resolveLang('es');
}
