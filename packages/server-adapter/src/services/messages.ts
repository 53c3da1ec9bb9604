import type { CodePurpose, Destination, DestinationPage, SessionStep } from '@waizant/support-core';
import type { Notification } from '../ports/index.js';

export interface CodeMessageInput {
  readonly issueId: string;
  readonly purpose: CodePurpose;
  readonly to: string;
  readonly code: string;
  readonly agentName: string;
  readonly userName: string;
  readonly ecosystemNames: readonly string[];
  readonly ttlMinutes: number;
}

/**
 * The e-mail with a code. It names the agent and the ecosystem and says why the reader gets
 * it. The user's e-mail asks them to read the code to the agent, so it must not say "never share".
 */
export function composeCodeMessage(input: CodeMessageInput): Notification {
  const ecosystems = input.ecosystemNames.length > 0 ? input.ecosystemNames.join(', ') : '—';
  if (input.purpose === 'agent') {
    return {
      issueId: input.issueId,
      kind: 'agent_code',
      to: input.to,
      code: input.code,
      subject: `Waizant support: your internal verification code`,
      text: [
        `Hello ${input.agentName},`,
        '',
        `You started a support session for ${input.userName} (ecosystem: ${ecosystems}).`,
        `Your internal verification code is: ${input.code}`,
        '',
        `It expires in ${input.ttlMinutes} minutes. Enter it in the back office to continue.`,
        'If you did not start this support session, tell your security team.',
      ].join('\n'),
    };
  }
  return {
    issueId: input.issueId,
    kind: 'user_code',
    to: input.to,
    code: input.code,
    subject: `Waizant support: your verification code for ${input.agentName}`,
    text: [
      `Hello ${input.userName},`,
      '',
      `${input.agentName}, from Waizant support, is helping you with your ecosystem ${ecosystems}`,
      'and needs to confirm that they are talking to you.',
      `Your verification code is: ${input.code}`,
      '',
      `Read this code to ${input.agentName} when they ask for it. It expires in ${input.ttlMinutes} minutes.`,
      'If you are not talking to Waizant support right now, ignore this e-mail.',
    ].join('\n'),
  };
}

/**
 * The e-mails the end user receives about an assisted session, in English and Spanish: the
 * "assisted session started" notice (with the "End this assisted session now" link) and the
 * receipt once the support session ended. Pure: the services pick the locale and send.
 */

export type UserLocale = 'en' | 'es';

/** The user's language when the directory knows it (`es…` → Spanish), English otherwise. */
export function userLocale(tag: string | null | undefined): UserLocale {
  return typeof tag === 'string' && /^es(?:$|[-_])/i.test(tag.trim()) ? 'es' : 'en';
}

export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
}

/** `2026-03-02 10:15 UTC`: the same unambiguous form in both languages. */
export function utcTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const PAGE_NAMES: Readonly<Record<UserLocale, Readonly<Record<DestinationPage, string>>>> = {
  en: {
    'web-home': 'Waizant Web (home)',
    'web-my-ecosystem': 'Waizant Web (My Ecosystem)',
    store: 'Waizant Store',
    app: 'the Waizant app',
  },
  es: {
    'web-home': 'Waizant Web (inicio)',
    'web-my-ecosystem': 'Waizant Web (Mi ecosistema)',
    store: 'Waizant Store',
    app: 'la app de Waizant',
  },
};

const DESTINATION_NAMES: Readonly<Record<UserLocale, Readonly<Record<Destination, string>>>> = {
  en: { web: 'Waizant Web', store: 'Waizant Store', app: 'Waizant app (QR code)' },
  es: { web: 'Waizant Web', store: 'Waizant Store', app: 'App de Waizant (código QR)' },
};

export interface StartedNotice {
  readonly locale: UserLocale;
  readonly userName: string;
  readonly agentName: string;
  readonly ecosystemName: string;
  readonly page: DestinationPage;
  /** The support session's absolute end: the assisted session ends then at the latest. */
  readonly endsAt: Date;
  /** The "End this assisted session now" link; null when the host configured no end page. */
  readonly endLink: string | null;
}

export function startedNotice(n: StartedNotice): RenderedMessage {
  const page = PAGE_NAMES[n.locale][n.page];
  const ends = utcTime(n.endsAt);
  if (n.locale === 'es') {
    return {
      subject: 'El soporte de Waizant abrió una sesión asistida en tu cuenta',
      text: [
        `Hola, ${n.userName}:`,
        '',
        `${n.agentName}, del soporte de Waizant, abrió una sesión asistida en tu cuenta`,
        `(ecosistema ${n.ecosystemName}, ${page}).`,
        `Termina cuando termine la sesión de soporte, a más tardar el ${ends}.`,
        ...(n.endLink ? ['', 'Terminar esta sesión asistida ahora:', n.endLink] : []),
        '',
        'Si no pediste ayuda al soporte de Waizant, termínala y contáctanos.',
      ].join('\n'),
    };
  }
  return {
    subject: 'Waizant support opened an assisted session in your account',
    text: [
      `Hello ${n.userName},`,
      '',
      `${n.agentName}, from Waizant support, opened an assisted session in your account`,
      `(ecosystem ${n.ecosystemName}, ${page}).`,
      `It ends when the support session ends, at the latest on ${ends}.`,
      ...(n.endLink ? ['', 'End this assisted session now:', n.endLink] : []),
      '',
      'If you did not ask Waizant support for help, end it and contact us.',
    ].join('\n'),
  };
}

export interface ReceiptDestination {
  readonly destination: Destination;
  readonly openedAt: Date;
  /** When the link (for the app: the QR code) was used; null when never. */
  readonly claimedAt: Date | null;
}

export interface Receipt {
  readonly locale: UserLocale;
  readonly userName: string;
  readonly agentName: string;
  readonly ecosystemName: string | null;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly step: SessionStep;
  /** The agent's reason, when cancelled. */
  readonly cancelReason: string | null;
  readonly destinations: readonly ReceiptDestination[];
}

function endingText(r: Receipt): string {
  const es = r.locale === 'es';
  switch (r.step) {
    case 'completed':
      return es ? 'El agente la dio por terminada.' : 'The agent finished it.';
    case 'cancelled':
      return es
        ? `El agente la canceló. Motivo: ${r.cancelReason ?? '-'}`
        : `The agent cancelled it. Reason: ${r.cancelReason ?? '-'}`;
    case 'expired':
      return es ? 'Expiró por tiempo.' : 'It expired (time limit).';
    case 'locked':
      return es
        ? 'Se bloqueó tras demasiados códigos erróneos.'
        : 'It was locked after too many wrong codes.';
    case 'ineligible':
      return es
        ? 'Se cerró porque tu cuenta ya no podía recibir asistencia.'
        : 'It was closed because your account could no longer be assisted.';
    case 'ended_by_user':
      return es ? 'La terminaste tú.' : 'You ended it.';
    default:
      return es ? 'Terminó.' : 'It ended.';
  }
}

export function receipt(r: Receipt): RenderedMessage {
  const es = r.locale === 'es';
  const names = DESTINATION_NAMES[r.locale];
  const lines = r.destinations.map((d) => {
    const opened = utcTime(d.openedAt);
    const claim =
      d.destination === 'app'
        ? d.claimedAt
          ? es
            ? `QR usado ${utcTime(d.claimedAt)}`
            : `QR claimed ${utcTime(d.claimedAt)}`
          : es
            ? 'QR no usado'
            : 'QR not claimed'
        : d.claimedAt
          ? es
            ? `abierto ${utcTime(d.claimedAt)}`
            : `opened ${utcTime(d.claimedAt)}`
          : es
            ? 'enlace no usado'
            : 'link not used';
    return `- ${names[d.destination]}: ${es ? 'enlace creado' : 'link created'} ${opened}, ${claim}`;
  });
  const none = es ? '- Ninguno' : '- None';
  const ecosystem = r.ecosystemName ?? '-';
  if (es) {
    return {
      subject: 'Recibo de tu sesión de soporte de Waizant',
      text: [
        `Hola, ${r.userName}:`,
        '',
        'Terminó tu sesión de soporte de Waizant.',
        `Agente: ${r.agentName}`,
        `Ecosistema: ${ecosystem}`,
        `Inicio: ${utcTime(r.startedAt)}`,
        `Fin: ${utcTime(r.endedAt)}`,
        `Cómo terminó: ${endingText(r)}`,
        '',
        'Destinos abiertos:',
        ...(lines.length ? lines : [none]),
        '',
        'Si no reconoces esta sesión, contáctanos.',
      ].join('\n'),
    };
  }
  return {
    subject: 'Receipt of your Waizant support session',
    text: [
      `Hello ${r.userName},`,
      '',
      'Your Waizant support session ended.',
      `Agent: ${r.agentName}`,
      `Ecosystem: ${ecosystem}`,
      `Started: ${utcTime(r.startedAt)}`,
      `Ended: ${utcTime(r.endedAt)}`,
      `How it ended: ${endingText(r)}`,
      '',
      'Destinations opened:',
      ...(lines.length ? lines : [none]),
      '',
      'If you do not recognise this session, contact us.',
    ].join('\n'),
  };
}

export interface QrEmail {
  readonly locale: UserLocale;
  readonly userName: string;
  readonly agentName: string;
  readonly ecosystemName: string;
  /** The one-time App link (the same the agent's screen shows as a QR code). */
  readonly link: string;
  readonly expiresAt: Date;
  /** Content-ID of the QR picture the HTML part shows. */
  readonly qrCid: string;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The App link the agent sent by e-mail: as a link and as an inline QR picture (HTML part). */
export function qrEmail(n: QrEmail): RenderedMessage & { html: string } {
  const es = n.locale === 'es';
  const until = utcTime(n.expiresAt);
  const lines = es
    ? {
        subject: 'Tu código QR para abrir la app de Waizant con el soporte',
        hello: `Hola, ${n.userName}:`,
        intro: `${n.agentName}, del soporte de Waizant, te envía el código QR para abrir la app de Waizant (ecosistema ${n.ecosystemName}).`,
        how: 'Escanéalo con la app de Waizant, o abre este enlace en el dispositivo donde la tienes:',
        once: `Sirve una sola vez y caduca el ${until}. Termina cuando termine la sesión de soporte.`,
        alt: 'Código QR de la app de Waizant',
        warn: 'Si no estás hablando ahora con el soporte de Waizant, no lo uses.',
      }
    : {
        subject: 'Your QR code to open the Waizant app with support',
        hello: `Hello ${n.userName},`,
        intro: `${n.agentName}, from Waizant support, sent you the QR code to open the Waizant app (ecosystem ${n.ecosystemName}).`,
        how: 'Scan it with the Waizant app, or open this link on the device where you have it:',
        once: `It works once and expires on ${until}. It ends when the support session ends.`,
        alt: 'QR code for the Waizant app',
        warn: 'If you are not talking to Waizant support right now, do not use it.',
      };
  const text = [lines.hello, '', lines.intro, lines.how, n.link, '', lines.once, lines.warn].join('\n');
  const link = escapeHtml(n.link);
  const html = [
    `<p>${escapeHtml(lines.hello)}</p>`,
    `<p>${escapeHtml(lines.intro)}</p>`,
    `<p><img src="cid:${escapeHtml(n.qrCid)}" alt="${escapeHtml(lines.alt)}" width="240" height="240"></p>`,
    `<p>${escapeHtml(lines.how)}<br><a href="${link}">${link}</a></p>`,
    `<p>${escapeHtml(lines.once)}</p>`,
    `<p>${escapeHtml(lines.warn)}</p>`,
  ].join('\n');
  return { subject: lines.subject, text, html };
}
