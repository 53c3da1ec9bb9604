// `require()` of this package lands here: it ships ES modules only.
throw new Error(
  "@waizant/support-server-adapter is ESM only: load it with `import` (from CommonJS: `await import('@waizant/support-server-adapter')`).",
);
