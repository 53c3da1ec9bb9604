import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * Export conditions for running the workspace in Node: `@waizant/source` resolves its packages
 * to their TypeScript sources. No `module` condition: it would load builds of the AWS SDK that
 * Node cannot import.
 */
export const SOURCE_CONDITIONS = ['@waizant/source', 'node', 'development|production'];

/**
 * The vitest config every Node suite of the workspace shares: `test/**` files in Node, workspace
 * packages from their sources. `test` options are laid over the defaults (shallowly: an
 * `include` given replaces the default one).
 */
export function nodeSuiteConfig(
  test: NonNullable<ViteUserConfig['test']> = {},
  ssr: ViteUserConfig['ssr'] = {},
): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: SOURCE_CONDITIONS },
    ssr: { ...ssr, resolve: { conditions: SOURCE_CONDITIONS, ...ssr.resolve } },
    test: { include: ['test/**/*.test.ts'], environment: 'node', ...test },
  });
}
