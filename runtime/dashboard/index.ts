export { LiveFeed, type LiveEvent, type LiveStats } from "./live-feed";
export { createDashboardRouter, DASHBOARD_STATIC_DIR, type DashboardRouterOptions, type ServiceStatsSource } from "./router";
