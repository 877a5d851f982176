/** The simulated shop: who calls whom per route, and what each service says when all is well. */

export interface ServiceSpec {
  name: string;
  /** Downstream calls made while handling a request, in order. */
  calls: string[];
  latencyMs: [number, number];
  /** Structured loggers that include the parent span id (not every stack does). */
  logsParentSpan: boolean;
  /** INFO line written per handled request. */
  okMessage: (n: number) => string;
  /** INFO line written when a request arrives (services that log both ends of their work). */
  startMessage?: (n: number) => string;
  /** A second code path some requests take normally (a cache miss), with its usual share and its line instead of okMessage. */
  altPath?: { share: number; message: (n: number) => string };
}

export const SERVICES: Record<string, ServiceSpec> = {
  gateway: { name: "gateway", calls: [], latencyMs: [1, 3], logsParentSpan: false, okMessage: () => "" },
  "checkout-api": {
    name: "checkout-api",
    calls: ["cart-api", "inventory-api", "payment-api"],
    latencyMs: [5, 20],
    logsParentSpan: true,
    okMessage: (n) => `order ${n} placed`,
  },
  "cart-api": { name: "cart-api", calls: [], latencyMs: [2, 8], logsParentSpan: false, okMessage: (n) => `cart ${n} loaded with ${n % 7} items` },
  "inventory-api": {
    name: "inventory-api",
    calls: [],
    latencyMs: [4, 15],
    logsParentSpan: true,
    okMessage: (n) => `reserved stock for sku-${n % 997} qty ${1 + (n % 3)}`,
    startMessage: (n) => `reservation request for sku-${n % 997} received`,
  },
  "payment-api": {
    name: "payment-api",
    calls: ["fraud-api", "ledger-api"],
    latencyMs: [10, 40],
    logsParentSpan: false,
    okMessage: (n) => `payment ${n} authorized amount=${(n % 500) + 0.99}`,
  },
  "fraud-api": { name: "fraud-api", calls: [], latencyMs: [3, 10], logsParentSpan: true, okMessage: (n) => `risk score ${n % 100} for txn ${n}` },
  "ledger-api": {
    name: "ledger-api",
    calls: [],
    latencyMs: [2, 6],
    logsParentSpan: false,
    okMessage: (n) => `journal entry ${n} committed`,
    startMessage: (n) => `posting journal entry ${n}`,
  },
  "catalog-api": {
    name: "catalog-api",
    calls: ["recommendation-api"],
    latencyMs: [3, 12],
    logsParentSpan: true,
    okMessage: (n) => `product ${n % 5000} served from cache`,
    altPath: { share: 0.1, message: (n) => `product ${n % 5000} loaded from database` },
  },
  "recommendation-api": {
    name: "recommendation-api",
    calls: [],
    latencyMs: [5, 25],
    logsParentSpan: false,
    okMessage: (n) => `returned ${3 + (n % 5)} recommendations for product ${n % 5000}`,
  },
  "search-api": { name: "search-api", calls: [], latencyMs: [8, 30], logsParentSpan: true, okMessage: (n) => `search returned ${n % 40} hits in ${5 + (n % 30)}ms` },
  "auth-api": {
    name: "auth-api",
    calls: [],
    latencyMs: [5, 15],
    logsParentSpan: false,
    okMessage: (n) => `user ${n % 20000} logged in`,
    startMessage: (n) => `login attempt for user ${n % 20000}`,
    altPath: { share: 0.15, message: (n) => `user ${n % 20000} logged in with a remembered device` },
  },
  "notification-worker": { name: "notification-worker", calls: [], latencyMs: [1, 2], logsParentSpan: false, okMessage: () => "" },
};

export interface Route {
  method: string;
  path: (n: number) => string;
  service: string;
  share: number;
}

/** Gateway routes and their share of traffic. */
export const ROUTES: Route[] = [
  { method: "POST", path: () => "/api/checkout", service: "checkout-api", share: 0.2 },
  { method: "GET", path: (n) => `/api/products/${n % 5000}`, service: "catalog-api", share: 0.45 },
  { method: "GET", path: (n) => `/api/search?q=item${n % 300}`, service: "search-api", share: 0.23 },
  { method: "POST", path: () => "/api/login", service: "auth-api", share: 0.12 },
];

/** The service whose error level is always a little elevated (it is "known flaky"). */
export const CHRONIC_SERVICE = "recommendation-api";
export const CHRONIC_ERROR_RATE = 0.05;

/** Where each failure kind is injected (a service that fits the story). */
export const FAILURE_TARGETS: Record<string, string[]> = {
  oom: ["cart-api", "search-api", "catalog-api"],
  crash: ["inventory-api", "fraud-api", "cart-api"],
  resource_exhaustion: ["payment-api", "inventory-api"],
  database: ["inventory-api", "ledger-api", "auth-api"],
  timeout: ["search-api", "fraud-api"],
  connection: ["fraud-api", "cart-api"],
  dependency: ["ledger-api", "payment-api"],
  auth: ["auth-api"],
  new_error_template: ["ledger-api", "catalog-api", "inventory-api"],
  latency: ["inventory-api", "search-api", "fraud-api"],
  vanished_logs: ["ledger-api", "inventory-api", "auth-api"],
  template_mix: ["catalog-api", "auth-api"],
  caller_only_errors: ["fraud-api", "ledger-api", "inventory-api"],
  silent_errors: ["payment-api", "cart-api"],
};
