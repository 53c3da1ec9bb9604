export default {
  globs: ['src/components/**/*.ts', 'src/registry.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/define.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
};
