import { css } from 'lit';
import { sharedStyles } from '../../styles/shared.styles.js';

export const successorActivityStyles = [
  sharedStyles,
  css`
    .fields select {
      max-width: 20rem;
    }
    .list {
      height: var(--waizant-activity-list-height, 24rem);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      overflow: auto;
    }
    .row {
      display: grid;
      grid-template-columns: 7.5rem minmax(max-content, 13rem) 1fr auto;
      align-items: center;
      gap: 0.75rem;
      width: 100%;
      min-height: var(--waizant-activity-row-height, 3rem);
      padding: 0.25rem 0.75rem;
      border-bottom: 1px solid var(--_border);
    }
    .row time {
      white-space: nowrap;
    }
    .row .title {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .row button {
      min-height: 2rem;
      padding: 0.25rem 0.75rem;
    }
    .status {
      display: inline-block;
      padding: 0.1rem 0.5rem;
      border-radius: 999px;
      font-size: 0.85em;
      background: var(--_bg-alt);
      border: 1px solid var(--_border);
      text-align: center;
    }
    .status.approved {
      color: var(--_success);
    }
    .status.rejected {
      color: var(--_danger);
    }
    .detail dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 0.4rem 1rem;
    }
    .detail dt {
      font-weight: 600;
    }
    .detail dd {
      margin: 0;
      overflow-wrap: anywhere;
      white-space: pre-wrap;
    }
  `,
];
