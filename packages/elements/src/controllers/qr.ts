import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Paints the QR code of the link `link()` names, as a data URL. The encoder is loaded only
 * here: hosts that never show a QR never download it.
 */
export class QrController implements ReactiveController {
  /** The picture of the current link, null while it renders. */
  dataUrl: string | null = null;
  private for: string | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly link: () => string | null,
  ) {
    host.addController(this);
  }

  /** Forgets the picture (a new request starts). */
  reset(): void {
    this.dataUrl = null;
    this.for = null;
  }

  hostUpdated(): void {
    const link = this.link();
    if (link !== null && link !== this.for) void this.render(link);
  }

  private async render(link: string): Promise<void> {
    this.for = link;
    this.dataUrl = null;
    this.host.requestUpdate();
    // CommonJS: bundlers expose it either as named exports or as a default export.
    const mod: typeof import('qrcode') & { default?: typeof import('qrcode') } = await import('qrcode');
    const toDataURL = mod.default?.toDataURL ?? mod.toDataURL;
    const url = await toDataURL(link, { errorCorrectionLevel: 'M', margin: 2, width: 480 });
    if (this.for === link) {
      this.dataUrl = url;
      this.host.requestUpdate();
    }
  }
}
