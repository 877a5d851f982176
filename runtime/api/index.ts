export { createApiRouter, type ApiRouterOptions, type ReadinessReport } from "./router";
export { ParamError } from "./params";
export { createAccessGate, createLoginRouter, isAuthorized, SESSION_COOKIE } from "./access";
