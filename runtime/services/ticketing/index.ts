export { loadTicketingConfig, TicketingConfigError, ticketingEnvSchema, type TicketingConfig } from "./config";
export { startTicketing, type RunningTicketing } from "./run";
