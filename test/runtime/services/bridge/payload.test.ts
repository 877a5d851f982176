import { describe, expect, it } from "vitest";
import { payloadEncoding } from "../../../../runtime/receivers/kafka";
import { deadLetterReasonLabel as reasonLabel } from "../../../../contracts/dead-letter";

describe("payloadEncoding", () => {
  it("tells OTLP/JSON from OTLP protobuf by the first byte", () => {
    expect(payloadEncoding(Buffer.from('{"resourceLogs":[]}'))).toBe("json");
    expect(payloadEncoding(Buffer.from('  {"resourceLogs":[]}'))).toBe("json");
    expect(payloadEncoding(Buffer.from([0x0a, 0x02, 0x0a, 0x00]))).toBe("protobuf");
    expect(payloadEncoding(Buffer.from("not otlp"))).toBe("json");
  });
});

describe("reasonLabel", () => {
  it("keeps metric labels to the reason's code", () => {
    expect(reasonLabel("invalid_json: Unexpected token } in JSON")).toBe("invalid_json");
    expect(reasonLabel("opensearch_rejected: mapper_parsing_exception: failed")).toBe("opensearch_rejected");
    expect(reasonLabel("Something Else entirely")).toBe("other");
  });
});
