/**
 * `@waizant/support-server-adapter/embedded`: the kit with no cloud and no setup — PGlite (peer
 * `@electric-sql/pglite`), the local signer, the outbox and SMTP (peer `nodemailer`) notifiers,
 * and the demo directory.
 */
export * from './bindings/embedded/index.js';
