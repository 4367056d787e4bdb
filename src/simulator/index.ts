/**
 * The local Tines simulator: a stand-in tenant for tests, the demo and trying the package out
 * without a real tenant. The repository README ("The local Tines simulator") says what it models.
 */
// First: on a Node.js too old, fail with one clear sentence before any dependency loads.
import "../nodeVersion";
export * from "./faults";
export type { SimulatorRateLimits } from "./rateLimits";
export { requestLogLine, type SimulatorRequestLogEntry, type SimulatorRequestLogLine } from "./requestLog";
export * from "./seed";
export * from "./server";
export * from "./tenantState";
