/**
 * `/mcp`: the monitor as an MCP server over Streamable HTTP, stateless (no sessions: each POST gets
 * a fresh SDK server and transport, and the answer is JSON). A `read` API token sees every tool but
 * probe_url; an `admin` token sees probe_url too. Without a valid token the answer is 401 with
 * `WWW-Authenticate: Bearer realm="mcpwatch", resource_metadata="<publicUrl>/.well-known/oauth-protected-resource/mcp"`
 * (MCP authorization, RFC 9728); that document names the resource and that tokens go in the header.
 * mcpwatch issues its own API tokens, so it lists no authorization server. GET and DELETE are 405:
 * there is no stream to resume and no session to end.
 */
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import { createMcpServer } from '../mcp/server.js';
import type { McpSource } from '../mcp/source.js';
import { authenticateBearer } from './auth/guard.js';
import type { FailedAuth } from './auth/failed-auth.js';
import { scopeAllows, type TokenStore } from './auth/tokens.js';
import { ProblemError } from './http/problem.js';

export const MCP_PATH = '/mcp';
export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource/mcp';

export interface McpRouteOptions {
  source: McpSource;
  tokens: TokenStore;
  failures: FailedAuth;
  /** config.server.publicUrl without a trailing slash. */
  publicUrl: string;
}

export function registerMcpRoute(app: FastifyInstance, o: McpRouteOptions): void {
  const metadataUrl = o.publicUrl + RESOURCE_METADATA_PATH;
  const metadata = {
    resource: o.publicUrl + MCP_PATH,
    resource_name: 'mcpwatch monitor',
    bearer_methods_supported: ['header'],
    scopes_supported: ['read', 'admin'],
  };
  app.get(RESOURCE_METADATA_PATH, async (_req, reply) =>
    reply.header('Cache-Control', 'public, max-age=3600').send(metadata),
  );

  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: MCP_PATH,
    onRequest: async (req) => {
      req.principal = null;
      try {
        await authenticateBearer(req, o.tokens, o.failures, 'read');
      } catch (err) {
        if (err instanceof ProblemError && err.status === 401) {
          const challenge = err.headers['WWW-Authenticate'] ?? 'Bearer realm="mcpwatch"';
          (err.headers as Record<string, string>)['WWW-Authenticate'] =
            `${challenge}, resource_metadata="${metadataUrl}"`;
        }
        throw err;
      }
    },
    handler: async (req, reply) => {
      if (req.method !== 'POST') {
        return reply
          .code(405)
          .header('Allow', 'POST')
          .send({
            jsonrpc: '2.0',
            error: { code: -32000, message: 'this MCP endpoint is stateless: POST only' },
            id: null,
          });
      }
      const admin = req.principal !== null && scopeAllows(req.principal.scope, 'admin');
      const server = createMcpServer(o.source, { admin });
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      reply.hijack();
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req.raw, reply.raw, req.body);
    },
  });
}
