import { describe, expect, it } from "vitest";
import { providerRenderDirectory } from "../../stacks/render-directory";

describe("providerRenderDirectory", () => {
  it("resolves a relative directory against the project root, relative to the engine's working directory", () => {
    // The engine runs the program and the Kubernetes provider in `main` (stacks/).
    expect(providerRenderDirectory("rendered/local", "/p/stacks", "/p")).toBe("../rendered/local");
    expect(providerRenderDirectory("rendered/local/tenants/acme", "/p/stacks", "/p")).toBe("../rendered/local/tenants/acme");
    // Under the mocks and `logclaw` the working directory is the project root: unchanged.
    expect(providerRenderDirectory("rendered/local", "/p", "/p")).toBe("rendered/local");
    expect(providerRenderDirectory(".", "/p", "/p")).toBe(".");
  });

  it("keeps an absolute directory", () => {
    expect(providerRenderDirectory("/var/tmp/out", "/p/stacks", "/p")).toBe("/var/tmp/out");
  });
});
