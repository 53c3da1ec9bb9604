/**
 * `@waizant/support-core/contract`: the wire contract alone — schemas (zod), route table,
 * typed errors and the OpenAPI builder — without the statechart, for code that only talks
 * to the server (the HTTP client, the server adapter).
 */
export * from './contract/api.js';
export * from './contract/errors.js';
export { buildOpenApiDocument, type ExtraRoute, type OpenApiOptions } from './contract/openapi.js';
export * from './contract/primitives.js';
export {
  type DestinationRouteName,
  type DestinationRouteSpec,
  destinationRoutes,
  type RouteName,
  type RouteResponse,
  type RouteSpec,
  routeBody,
  routePath,
  routes,
} from './contract/routes.js';
export * from './contract/user-control.js';
export type { CallOptions, SupportServices } from './machine/types.js';
