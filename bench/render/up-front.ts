// Everything up front: the tags and the statechart in one static graph (an export, so that a
// bundler keeps the statechart's module, which the package lists as free of side effects).
import '../../packages/elements/src/define.js';

export { createSupportFlow } from '../../packages/elements/src/components/support-flow/support-flow.engine.js';
