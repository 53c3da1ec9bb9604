/**
 * Adds a virtual platform authenticator with user verification (as a laptop's fingerprint reader
 * is) to the page behind `cdp`, a Chromium DevTools Protocol session, and answers its id. Real
 * registration and assertion data then come from the browser's own WebAuthn.
 */
export async function addVirtualAuthenticator(cdp) {
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}
