import { describe, expect, it } from "vitest";
import type { LogDocument } from "../../../contracts/records";
import { parentSpanOf, PeerNames } from "../../../runtime/bridge/correlate";

const record = (service: string, attributes: Record<string, unknown>) => ({ service, attributes }) as unknown as LogDocument;

describe("PeerNames.peerOf", () => {
  it("takes the peer of the attribute that comes first by precedence, whatever order the record lists them in", () => {
    const peers = new PeerNames();
    expect(peers.peerOf(record("gateway", { upstream: "cart-api:8080", "peer.service": "payment-api.shop.svc" }))).toBe("payment-api");
    expect(peers.peerOf(record("gateway", { "rpc.service": "ledger", upstream: "cart-api" }))).toBe("cart-api");
  });

  it("passes over a value that names no service or the record's own, and answers null when none is left", () => {
    const peers = new PeerNames();
    expect(peers.peerOf(record("gateway", { "net.peer.name": "fraud-api", "peer.service": "10.0.0.7", upstream: "gateway.shop.svc" }))).toBe("fraud-api");
    expect(peers.peerOf(record("gateway", { "peer.service": "", upstream: 42, "http.route": "/x" }))).toBeNull();
    expect(peers.peerOf(record("gateway", {}))).toBeNull();
  });
});

describe("parentSpanOf", () => {
  it("reads the first parent span attribute by precedence that holds a valid span id, in lower case", () => {
    expect(parentSpanOf(record("a", { parentSpanId: "00000000000000aa", parent_span_id: "00000000000000BB" }))).toBe("00000000000000bb");
    expect(parentSpanOf(record("a", { parent_span_id: "0000000000000000", "otel.parent_span_id": "00000000000000cc" }))).toBe("00000000000000cc");
    expect(parentSpanOf(record("a", { parent_span_id: "not-a-span", other: "00000000000000dd" }))).toBeNull();
  });
});
