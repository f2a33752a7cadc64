/**
 * The OTLP protobuf messages, read at run time by protobufjs from the vendored definitions in
 * `proto/` (open-telemetry/opentelemetry-proto v1.11.0, Apache-2.0; see proto/README.md), plus
 * `google.rpc.Status` for failure bodies. Loaded once, on first use.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import protobuf from 'protobufjs';

/** `proto/` at the package root, beside `src/` and `dist/`. */
const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

const FILES = [
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
];

/** The part of google/rpc/status.proto that OTLP/HTTP uses (details are optional and left out). */
const STATUS_PROTO = `syntax = "proto3";
package google.rpc;
message Status { int32 code = 1; string message = 2; }`;

export interface OtlpTypes {
  traceRequest: protobuf.Type;
  traceResponse: protobuf.Type;
  metricsRequest: protobuf.Type;
  metricsResponse: protobuf.Type;
  status: protobuf.Type;
}

let loaded: OtlpTypes | null = null;

export function otlpTypes(): OtlpTypes {
  if (loaded) return loaded;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  root.loadSync(FILES);
  protobuf.parse(STATUS_PROTO, root);
  loaded = {
    traceRequest: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    traceResponse: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    metricsRequest: root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
    metricsResponse: root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse'),
    status: root.lookupType('google.rpc.Status'),
  };
  return loaded;
}

/**
 * A binary message as the plain object its JSON encoding would give (lowerCamelCase keys, enums
 * as numbers, 64-bit integers as numbers, only the fields that are set), so one reader serves both
 * encodings. Throws on bytes that are not the message.
 */
export function decodeBinary(type: protobuf.Type, bytes: Uint8Array): unknown {
  const message = type.decode(bytes);
  return type.toObject(message, { longs: Number, enums: Number, bytes: String, defaults: false });
}

export function encodeBinary(type: protobuf.Type, value: Record<string, unknown>): Buffer {
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}
