import { css } from 'lit';

/**
 * Design tokens and base controls shared by the elements. Hosts theme them through the
 * documented `--waizant-*` custom properties; defaults follow `prefers-color-scheme`.
 */
export const sharedStyles = css`
  :host {
    --_fg: var(--waizant-color-text, #1b1f24);
    --_muted: var(--waizant-color-text-muted, #57606a);
    --_bg: var(--waizant-color-surface, #ffffff);
    --_bg-alt: var(--waizant-color-surface-alt, #f4f6f8);
    --_border: var(--waizant-color-border, #d0d7de);
    --_accent: var(--waizant-color-accent, #0b57d0);
    --_on-accent: var(--waizant-color-on-accent, #ffffff);
    --_danger: var(--waizant-color-danger, #b3261e);
    --_success: var(--waizant-color-success, #1a7f37);
    --_radius: var(--waizant-radius, 8px);
    --_gap: var(--waizant-spacing, 0.75rem);
    --_focus: var(--waizant-focus-ring, 0 0 0 3px color-mix(in srgb, var(--_accent) 45%, transparent));
    display: block;
    color: var(--_fg);
    font-family: var(--waizant-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--waizant-font-size, 1rem);
    line-height: 1.45;
    color-scheme: light dark;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_fg: var(--waizant-color-text, #e6edf3);
      --_muted: var(--waizant-color-text-muted, #9da7b3);
      --_bg: var(--waizant-color-surface, #0d1117);
      --_bg-alt: var(--waizant-color-surface-alt, #161b22);
      --_border: var(--waizant-color-border, #30363d);
      --_accent: var(--waizant-color-accent, #7cacf8);
      --_on-accent: var(--waizant-color-on-accent, #0d1117);
      --_danger: var(--waizant-color-danger, #ff8a80);
      --_success: var(--waizant-color-success, #56d364);
    }
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h2,
  h3 {
    margin: 0 0 var(--_gap);
    line-height: 1.25;
  }
  h2 {
    font-size: 1.25rem;
  }
  h3 {
    font-size: 1.05rem;
  }
  /* Step headings take focus programmatically (tabindex=-1) so screen readers announce them. */
  [tabindex='-1']:focus {
    outline: none;
  }
  p {
    margin: 0 0 var(--_gap);
  }
  button,
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
    min-height: 2.5rem;
    padding: 0.5rem 1rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg-alt);
    color: var(--_fg);
    font: inherit;
    text-decoration: none;
    cursor: pointer;
  }
  button.primary,
  .button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  button.danger {
    color: var(--_danger);
    border-color: color-mix(in srgb, var(--_danger) 50%, var(--_border));
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button:focus-visible,
  .button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible {
    outline: none;
    box-shadow: var(--_focus);
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  input,
  select,
  textarea {
    width: 100%;
    max-width: 28rem;
    min-height: 2.5rem;
    padding: 0.45rem 0.6rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    font: inherit;
  }
  textarea {
    min-height: 6rem;
    resize: vertical;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: var(--_gap);
  }
  .field {
    margin-bottom: var(--_gap);
  }
  .muted {
    color: var(--_muted);
  }
  .error {
    color: var(--_danger);
  }
  .error:empty {
    display: none;
  }
  dialog {
    width: min(32rem, calc(100vw - 2rem));
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    padding: calc(var(--_gap) * 1.5);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 45%);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  /* A definition list of facts: names in one column, values beside them. */
  .facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.3rem 1rem;
    margin: 0 0 var(--_gap);
  }
  .facts dt {
    font-weight: 600;
  }
  .facts dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
`;
