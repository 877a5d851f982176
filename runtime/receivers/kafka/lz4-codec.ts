import { CompressionCodecs, CompressionTypes } from "kafkajs";
import { compressFrame, decompressFrame } from "lz4-napi";

/**
 * The collector's Kafka exporter compresses `raw-logs` batches with LZ4 and kafkajs ships no LZ4
 * codec. Kafka (record batch v2) uses the standard LZ4 frame format, which lz4-napi reads and
 * writes natively (prebuilt binaries come as npm packages, nothing is downloaded at install).
 */
function lz4Codec() {
  return {
    async compress(encoder: { buffer: Buffer }): Promise<Buffer> {
      return compressFrame(encoder.buffer);
    },
    async decompress(buffer: Buffer): Promise<Buffer> {
      return decompressFrame(buffer);
    },
  };
}

/** Registers the LZ4 codec with kafkajs (its codec table is module-wide; registering twice is harmless). */
export function registerLz4Codec(): void {
  CompressionCodecs[CompressionTypes.LZ4] = lz4Codec;
}
