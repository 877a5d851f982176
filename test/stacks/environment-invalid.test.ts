import { beforeAll, describe, expect, it } from "vitest";
import type { EnvMocks } from "../support/env-mocks";
import { setupEnvMocks } from "../support/env-mocks";
import { settle } from "../support/pulumi-mocks";

let mocks: EnvMocks;

beforeAll(async () => {
  mocks = await setupEnvMocks(
    { "logclaw:cloud": "aws", "logclaw:aws": JSON.stringify({ region: "eu-west-1", vpcCidr: "10.0.0.0/33" }) },
    {},
    "prod",
  );
});

describe("an invalid environment config", () => {
  it("fails with one line naming the key before any resource is registered", async () => {
    const { environmentProgram } = await import("../../stacks/environment.js");
    expect(() => environmentProgram()).toThrow(/^logclaw:aws\.vpcCidr: must be a CIDR block$/);
    await settle();
    expect(mocks.registrations).toEqual([]);
  });
});
