import { css } from 'lit';
import { sharedStyles } from '../../styles/shared.styles.js';

export const supportFlowStyles = [
  sharedStyles,
  css`
    .base {
      display: flex;
      flex-direction: column;
      gap: var(--_gap);
      padding: calc(var(--_gap) * 1.5);
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
    }
    .header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: var(--_gap);
    }
    .eyebrow {
      font-size: 0.85rem;
      font-weight: 600;
      letter-spacing: 0.04em;
      text-transform: uppercase;
      color: var(--_muted);
    }
    .card {
      margin-top: var(--_gap);
      padding: var(--_gap);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_bg-alt);
    }
    .ecosystems {
      margin: 0;
      padding-left: 1.1rem;
    }
    input.code {
      max-width: 12rem;
      font-size: 1.3rem;
      letter-spacing: 0.25em;
      font-variant-numeric: tabular-nums;
    }
    .resend {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 1rem;
    }
    .resend .countdown {
      margin: 0;
    }
    .destinations {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr));
      gap: var(--_gap);
    }
    .destination {
      flex-direction: column;
      min-height: 5rem;
    }
    .destination small {
      color: var(--_muted);
    }
    .qr-box {
      display: flex;
      justify-content: flex-start;
      margin-bottom: var(--_gap);
    }
    .qr {
      width: var(--waizant-qr-size, 240px);
      height: var(--waizant-qr-size, 240px);
      image-rendering: pixelated;
      background: #ffffff;
      padding: 0.25rem;
      border-radius: var(--_radius);
    }
    .success {
      color: var(--_success);
      font-weight: 600;
    }
    .inactivity {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: var(--_gap);
      padding: var(--_gap);
      border-radius: var(--_radius);
      background: var(--waizant-color-warning, color-mix(in srgb, #f2c94c 30%, var(--_bg)));
    }
    .inactivity p {
      margin: 0;
    }
    dialog.cancel .inactivity {
      margin-bottom: var(--_gap);
    }
    button.danger-fill {
      background: var(--_danger);
      border-color: var(--_danger);
      color: var(--_on-accent);
    }
    .final {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_gap);
      margin-block: var(--_gap);
    }
    .passkeys {
      list-style: none;
      padding: 0;
    }
    .passkeys li {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_gap);
      margin-block-end: var(--_gap);
    }
  `,
];
