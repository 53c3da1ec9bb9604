/**
 * The elements inside a React 19 host: React 19 sets properties on custom elements, so
 * `tokenProvider` and `apiBase` are passed as props and events are plain DOM listeners.
 */
import '@waizant/support-elements/define';
import type { WaizantSupportCancelledEvent, WaizantSupportFlow } from '@waizant/support-elements';
// The tags' JSX typings, generated from the Custom Elements Manifest.
import type {} from '@waizant/support-elements/react';
import { useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { agentToken, currentAgent, showAgentBadge } from '../../back-office/src/browser/agent.js';

function App() {
  const [flow, setFlow] = useState<'technical-assistance' | 'ecosystem-admin'>('technical-assistance');
  const [log, setLog] = useState<string[]>([]);
  // A ref callback (with React 19's cleanup) follows the element across remounts by `key`.
  const listen = useCallback((element: WaizantSupportFlow | null) => {
    if (!element) return;
    const onCancelled = (event: WaizantSupportCancelledEvent) =>
      setLog((lines) => [`cancelled: ${event.detail.reason}`, ...lines]);
    const onCompleted = () => setLog((lines) => ['completed', ...lines]);
    element.addEventListener('waizant-support-cancelled', onCancelled);
    element.addEventListener('waizant-support-completed', onCompleted);
    return () => {
      element.removeEventListener('waizant-support-cancelled', onCancelled);
      element.removeEventListener('waizant-support-completed', onCompleted);
    };
  }, []);
  if (!currentAgent()) return <p>Choose an agent first (Agent, top left).</p>;
  return (
    <>
      <label>
        Module{' '}
        <select value={flow} onChange={(e) => setFlow(e.target.value as typeof flow)}>
          <option value="technical-assistance">Technical Assistance</option>
          <option value="ecosystem-admin">Ecosystem Admin</option>
        </select>
      </label>
      <waizant-support-flow
        key={flow}
        ref={listen}
        flow={flow}
        apiBase="/api"
        tokenProvider={agentToken}
        lang="en"
      />
      <ul>
        {log.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an append-only log.
          <li key={index}>{line}</li>
        ))}
      </ul>
    </>
  );
}

showAgentBadge();
const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
