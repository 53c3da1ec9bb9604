import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { format, type Lang, loadMessages, type MessageKey, messagesNow, resolveLang } from './index.js';

/**
 * Gives an element its strings for its `lang`. English renders at once; another language
 * renders as soon as its chunk has loaded (the element re-renders then).
 */
export class LangController implements ReactiveController {
  lang: Lang = 'en';
  private requested: Lang = 'en';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly getLang: () => string | null | undefined,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const wanted = resolveLang(this.getLang());
    if (wanted === this.requested) return;
    this.requested = wanted;
    void loadMessages(wanted).then(() => {
      if (this.requested !== wanted) return;
      this.lang = wanted;
      this.host.requestUpdate();
    });
  }

  /** The localized string for `key`, placeholders filled. */
  t(key: MessageKey, values?: Readonly<Record<string, string | number>>): string {
    return format(messagesNow(this.lang)[key], values);
  }
}
