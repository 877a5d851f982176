export { createApiRouter, type ApiRouterOptions, type ReadinessReport } from "./router";
export { ParamError } from "./params";
