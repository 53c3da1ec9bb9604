// The tags in React 19 JSX, typed by @waizant/support-elements/react (generated from the manifest).
import type { WaizantSupportFlow } from '@waizant/support-elements';
import type {} from '@waizant/support-elements/react';

export function Support(props: { token: () => Promise<string> }) {
  const ref = (element: WaizantSupportFlow | null) => void element;
  return (
    <>
      <waizant-support-flow
        ref={ref}
        flow="technical-assistance"
        apiBase="/api/support"
        tokenProvider={props.token}
        onwaizant-support-completed={(event) => void event.detail.sessionId}
      />
      {/* @ts-expect-error flow is one of the two modules */}
      <waizant-support-flow flow="billing" />
      <successor-activity controlled />
    </>
  );
}
