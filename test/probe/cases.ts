/**
 * The shape of a table-driven fault case and the targets it can probe: the fixture MCP server
 * (plain or HTTPS with a generated certificate), a raw TCP server, or no server at all.
 */
import type { ProbeResult } from '../../src/probe/types.js';
import { testCerts, type TestCerts } from '../fixtures/certs.js';
import { startMcpServer, type McpFixture, type McpServerOptions } from '../fixtures/mcp-server.js';
import type { RawServer } from '../fixtures/raw-servers.js';
import type { Expected, ProbeOpts } from './helpers.js';

export interface Target {
  url: string;
  close(): Promise<void>;
  fixture?: McpFixture;
}

export interface FaultCase {
  name: string;
  target: () => Promise<Target>;
  /** The URL to probe, when it is not the target's own. */
  url?: (target: Target) => string;
  options?: (target: Target, certs: TestCerts) => ProbeOpts;
  expect: Expected;
  /** Extra assertions on the result. */
  check?: (result: ProbeResult, target: Target) => void;
}

export const server =
  (opts: McpServerOptions = {}) =>
  async (): Promise<Target> => {
    const fixture = await startMcpServer(opts);
    return { url: fixture.url, close: fixture.close, fixture };
  };

/** The fixture server over HTTPS with one of the generated certificates. */
export const tlsServer =
  (cert: Exclude<keyof TestCerts, 'ca'>, opts: McpServerOptions = {}) =>
  async (): Promise<Target> => {
    const certs = await testCerts();
    return server({ ...opts, tls: certs[cert] })();
  };

export const raw = (start: () => Promise<RawServer>) => async (): Promise<Target> => start();

/** No server: for faults that happen before any connection (DNS, the address guard). */
export const nowhere = (url: string) => async (): Promise<Target> => ({ url, close: async () => {} });

/** Trust the generated CA, as `--ca FILE` would. */
export const trustCa = (_: Target, certs: TestCerts): ProbeOpts => ({ ca: certs.ca });
