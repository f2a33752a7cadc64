/** What every protocol era gives the prober once its handshake is done. */
import { fault } from './fault.js';
import type { Step } from './http.js';
import type { RpcResponse } from './rpc.js';
import type { ServerInfo, Transport } from './types.js';

export interface McpSession {
  transport: Transport;
  protocolVersion: string;
  server: ServerInfo | null;
  capabilities: Record<string, unknown> | null;
  /** How long the handshake request took (initialize or server/discover), ms. */
  initializeMs: number;
  /** Calls a method and returns its result; faults are attributed to `step`. */
  call(
    method: string,
    params: Record<string, unknown> | undefined,
    step: Step,
    what: string,
  ): Promise<unknown>;
  /** Ends the session (DELETE, closing the stream); never throws, never outlives the deadline. */
  close(): Promise<void>;
}

/** Protocol versions of the initialize-based eras, newest first. */
export const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;
export const STATELESS_VERSION = '2026-07-28';
export const CLIENT_INFO = { name: 'mcpwatch', version: '0.1.0' };

/** The result of a response, or its JSON-RPC error as a classified fault. */
export function resultOf(res: RpcResponse, step: Step, what: string): unknown {
  if (res.error)
    throw fault(
      step.layer,
      'jsonrpc_error',
      `${what} returned JSON-RPC error ${res.error.code}: ${res.error.message.slice(0, 200)}`,
      {
        rpcCode: res.error.code,
      },
    );
  return res.result;
}
