import { describe, expect, it } from "vitest";
import { CONTAINER_ENV } from "../../contracts/env";
import { bridgeEnvSchema } from "../../runtime/services/bridge/config";
import { ticketingEnvSchema } from "../../runtime/services/ticketing/config";

describe("container environment contract", () => {
  it("every variable the TenantStack sets is read by the bridge or the ticketing agent", () => {
    const read = new Set([...Object.keys(bridgeEnvSchema.shape), ...Object.keys(ticketingEnvSchema.shape)]);
    expect(Object.values(CONTAINER_ENV).filter((name) => !read.has(name))).toEqual([]);
  });
});
