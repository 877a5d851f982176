/**
 * kafkajs encodes each produced record (record batch v2, `recordBatch/record/v0`) with a fresh
 * 512-byte zero-filled Encoder that grows by copying, one `Buffer.from([...])` per varint, a Long
 * object chain for the timestamp delta and a header array even when there are none: about 8 µs per
 * 700-byte enriched-logs record, a fifth of the bridge's CPU. This encoder writes the same bytes in
 * one exact-size buffer from Node's pool. Records it does not cover (headers, non-string/Buffer
 * keys or values, deltas outside ±2^30) go to kafkajs' own encoder.
 */

/** What kafkajs' produce request passes to its record encoder. */
export interface RecordFields {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: unknown;
  value?: unknown;
  headers?: Record<string, unknown>;
}

/** The record as kafkajs' record batch reads it: an Encoder-like holder of its bytes. */
export interface EncodedRecord {
  buf: Buffer;
  buffer: Buffer;
  size(): number;
}

type RecordEncoder = (fields: RecordFields) => EncodedRecord;

/** Deltas whose zigzag form fits 31 bits encode the same as a 32-bit varint and a 64-bit varlong. */
const DELTA_LIMIT = 2 ** 30;

function zigzag(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

function varintSize(unsigned: number): number {
  let bytes = 1;
  while (unsigned >= 0x80) {
    unsigned >>>= 7;
    bytes += 1;
  }
  return bytes;
}

function writeVarint(buf: Buffer, offset: number, unsigned: number): number {
  while (unsigned >= 0x80) {
    buf[offset++] = (unsigned & 0x7f) | 0x80;
    unsigned >>>= 7;
  }
  buf[offset++] = unsigned;
  return offset;
}

function hasHeaders(headers: Record<string, unknown> | undefined): boolean {
  if (headers === undefined || headers === null) return false;
  for (const _ in headers) return true;
  return false;
}

function bytesOf(field: unknown): number | null {
  if (field === null || field === undefined) return -1;
  if (typeof field === "string") return Buffer.byteLength(field, "utf8");
  if (Buffer.isBuffer(field)) return field.length;
  return null;
}

function writeField(buf: Buffer, offset: number, field: unknown, length: number): number {
  offset = writeVarint(buf, offset, zigzag(length));
  if (length <= 0) return offset;
  if (typeof field === "string") buf.write(field, offset, length, "utf8");
  else (field as Buffer).copy(buf, offset);
  return offset + length;
}

class Encoded implements EncodedRecord {
  readonly buffer: Buffer;
  constructor(readonly buf: Buffer) {
    this.buffer = buf;
  }
  size(): number {
    return this.buf.length;
  }
}

/**
 * One record's bytes: Length varint, Attributes int8 (0), TimestampDelta varlong, OffsetDelta varint,
 * Key and Value (varint length, -1 for null, then the bytes), Headers varint count. Returns null
 * for what {@link createRecordEncoder} leaves to kafkajs.
 */
export function encodeRecord(fields: RecordFields): EncodedRecord | null {
  const offsetDelta = fields.offsetDelta ?? 0;
  const timestampDelta = fields.timestampDelta ?? 0;
  if (hasHeaders(fields.headers)) return null;
  if (!Number.isInteger(offsetDelta) || !Number.isInteger(timestampDelta)) return null;
  if (Math.abs(timestampDelta) >= DELTA_LIMIT || offsetDelta < 0 || offsetDelta >= DELTA_LIMIT) return null;
  const keyLength = bytesOf(fields.key);
  const valueLength = bytesOf(fields.value);
  if (keyLength === null || valueLength === null) return null;
  const ts = zigzag(timestampDelta);
  const od = zigzag(offsetDelta);
  const k = zigzag(keyLength);
  const v = zigzag(valueLength);
  const body = 1 + varintSize(ts) + varintSize(od) + varintSize(k) + Math.max(keyLength, 0) + varintSize(v) + Math.max(valueLength, 0) + 1;
  // Below 4 KiB allocUnsafe slices Node's shared pool: no zero-fill and no backing store per record.
  const buf = Buffer.allocUnsafe(varintSize(zigzag(body)) + body);
  let offset = writeVarint(buf, 0, zigzag(body));
  buf[offset++] = 0;
  offset = writeVarint(buf, offset, ts);
  offset = writeVarint(buf, offset, od);
  offset = writeField(buf, offset, fields.key, keyLength);
  offset = writeField(buf, offset, fields.value, valueLength);
  buf[offset] = 0;
  return new Encoded(buf);
}

/** {@link encodeRecord}, with kafkajs' encoder for the records it leaves. */
export function createRecordEncoder(fallback: RecordEncoder): RecordEncoder {
  return (fields) => encodeRecord(fields) ?? fallback(fields);
}

const RECORD_MODULE = "kafkajs/src/protocol/recordBatch/record/v0";
/** The produce request versions kafkajs picks from; each takes the record encoder when first loaded. */
const PRODUCE_REQUEST_MODULES = [3, 4, 5, 6, 7].map((v) => `kafkajs/src/protocol/requests/produce/v${v}/request`);

let installed = false;

/**
 * Puts {@link encodeRecord} in place of kafkajs' record encoder. kafkajs (2.2.4, its last release)
 * loads a produce request version on first use and takes the record encoder from the module cache
 * then, so this works only before the process's first send. Returns why it did not when one came
 * first or kafkajs' files are laid out otherwise (kafkajs' encoder stays, which writes the same bytes):
 * a faster path never stops the bridge.
 */
export function installRecordEncoder(): { installed: true } | { installed: false; reason: string } {
  if (installed) return { installed: true };
  try {
    const path = require.resolve(RECORD_MODULE);
    if (PRODUCE_REQUEST_MODULES.some((request) => require.cache[require.resolve(request)] !== undefined)) {
      return { installed: false, reason: "a Kafka producer sent before it was installed" };
    }
    const original = require(RECORD_MODULE) as RecordEncoder;
    const cached = require.cache[path];
    if (!cached) return { installed: false, reason: `${path} is not in the module cache` };
    cached.exports = createRecordEncoder(original);
  } catch (err) {
    return { installed: false, reason: err instanceof Error ? err.message : String(err) };
  }
  installed = true;
  return { installed: true };
}
