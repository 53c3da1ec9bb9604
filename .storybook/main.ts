import type { StorybookConfig } from '@storybook/web-components-vite';

/**
 * Storybook for `@waizant/support-elements`. Stories live next to the elements
 * (`packages/elements/stories`) and render from the in-memory fake server, never HTTP.
 * Workspace packages are read from their TypeScript source (`@waizant/source` condition).
 */
const config: StorybookConfig = {
  framework: { name: '@storybook/web-components-vite', options: {} },
  stories: ['../packages/elements/stories/**/*.stories.ts'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y'],
  core: { disableTelemetry: true },
  async viteFinal(config) {
    config.resolve = {
      ...config.resolve,
      conditions: ['@waizant/source', 'module', 'browser', 'import', 'default'],
    };
    // `qrcode` (loaded lazily for the QR view) is CommonJS: the build converts it, and in
    // `storybook dev` Vite's dependency optimizer discovers and pre-bundles it.
    return config;
  },
};

export default config;
