// `require()` of this package lands here: it ships ES modules only.
throw new Error(
  "@waizant/support-core is ESM only: load it with `import` (from CommonJS: `await import('@waizant/support-core')`).",
);
