// The Node mount: a request listener for any `http.Server` or Express app, and a server with the
// kit's edge settings.
export { type NodeMountOptions, toNodeListener } from './node-listener.js';
export { createNodeServer, hardenNodeServer, type NodeServerOptions } from './node-server.js';
