// `cdk synth` entry (cdk.json). Environment-agnostic: no account or region lookups, so synth needs
// neither AWS credentials nor the network.
import { App } from 'aws-cdk-lib';
import { SupportKitStack } from '../src/stack.js';

const app = new App();
new SupportKitStack(app, 'WaizantSupportKit', {
  description:
    'Waizant Support Kit: Cognito pools, CUSTOM_AUTH triggers, e-mail Lambda, secret, adapter policy',
});
app.synth();
