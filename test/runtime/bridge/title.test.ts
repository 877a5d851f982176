import { describe, expect, it } from "vitest";
import { readableTemplate } from "../../../runtime/bridge/lifecycle/title";

describe("readable incident titles", () => {
  it("fills the values the samples agree on and elides the ones that vary", () => {
    const template = "connection to <*> refused after <*> ms (request <*>)";
    const messages = ["connection to db-primary:5432 refused after 30 ms (request a1)", "connection to db-primary:5432 refused after 31 ms (request b7)"];
    expect(readableTemplate(template, messages)).toBe("connection to db-primary:5432 refused after … ms (request …)");
  });

  it("handles values inside a token and keeps a template without samples readable", () => {
    expect(readableTemplate("user=<*> denied", ["user=alice denied", "user=alice denied"])).toBe("user=alice denied");
    expect(readableTemplate("pool <*> exhausted", [])).toBe("pool … exhausted");
    expect(readableTemplate("no wildcard here", ["x"])).toBe("no wildcard here");
  });
});
