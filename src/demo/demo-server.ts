/**
 * A small MCP server (Streamable HTTP, JSON answers, sessions) that `npm start` monitors, so a newcomer
 * sees real results at once. POST /fault with `{"mode": "..."}` breaks it on purpose (`ok`, `down`,
 * `http500`, `slow`, `empty-tools`, `html`) to watch an incident open, page and resolve; the example
 * config's webhook channel posts those alerts back to its /hook, which logs them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';

export type DemoFault = 'ok' | 'down' | 'http500' | 'slow' | 'empty-tools' | 'html';
const FAULTS: DemoFault[] = ['ok', 'down', 'http500', 'slow', 'empty-tools', 'html'];

const TOOLS = [
  {
    name: 'echo',
    description: 'Echoes the message back.',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  },
  {
    name: 'add',
    description: 'Adds two numbers.',
    inputSchema: {
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
    },
  },
  {
    name: 'time',
    description: 'Tells the server time.',
    inputSchema: { type: 'object', properties: {} },
  },
];

export interface DemoServer {
  url: string;
  setFault(mode: DemoFault): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  let size = 0;
  const parts: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('body too large');
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export interface DemoOptions {
  port?: number;
  host?: string;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** Answer on /mcp and on any /mcp/NAME path, so one process can stand in for many endpoints. */
  anyPath?: boolean;
  /** Receives what is POSTed to /hook: the example config sends its alerts there. */
  onAlert?: (body: unknown) => void;
}

export async function startDemoServer(opts: DemoOptions = {}): Promise<DemoServer> {
  const { port = 0, host = '127.0.0.1' } = opts;
  let fault: DemoFault = 'ok';
  const sessions = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/fault' && req.method === 'POST') {
      const mode = (JSON.parse((await readBody(req)) || '{}') as { mode?: DemoFault }).mode;
      if (!mode || !FAULTS.includes(mode))
        return json(res, 400, { error: `mode must be one of ${FAULTS.join(', ')}` });
      fault = mode;
      return json(res, 200, { mode });
    }
    if (path === '/hook' && req.method === 'POST') {
      const body = await readBody(req, 1024 * 1024);
      try {
        opts.onAlert?.(JSON.parse(body));
      } catch {
        opts.onAlert?.(body);
      }
      return res.writeHead(204).end();
    }
    if (path !== '/mcp' && !(opts.anyPath && path.startsWith('/mcp/')))
      return json(res, 404, { error: 'not found' });
    if (fault === 'down') return req.socket.destroy();
    if (fault === 'http500') return json(res, 500, { error: 'internal error' });
    if (fault === 'html')
      return res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><title>Maintenance</title></html>');
    if (fault === 'slow') await new Promise((r) => setTimeout(r, 3_000));
    if (req.method === 'DELETE') {
      sessions.delete(String(req.headers['mcp-session-id']));
      return res.writeHead(200).end();
    }
    if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST, DELETE' }).end();
    let msg: { id?: number | string; method?: string; params?: { protocolVersion?: string } };
    try {
      msg = JSON.parse(await readBody(req));
    } catch {
      return json(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    }
    if (msg.id === undefined) return res.writeHead(202).end();
    const reply = (result: unknown, headers?: Record<string, string>) =>
      json(res, 200, { jsonrpc: '2.0', id: msg.id, result }, headers);
    if (msg.method === 'initialize') {
      const session = randomUUID();
      sessions.add(session);
      const version = ['2025-11-25', '2025-06-18', '2025-03-26'].includes(msg.params?.protocolVersion ?? '')
        ? msg.params!.protocolVersion
        : '2025-11-25';
      return reply(
        {
          protocolVersion: version,
          capabilities: { tools: {} },
          serverInfo: { name: 'mcpwatch-demo', version: '1.0.0' },
        },
        { 'mcp-session-id': session },
      );
    }
    const session = String(req.headers['mcp-session-id'] ?? '');
    if (!sessions.has(session))
      return json(res, msg.method === 'initialize' ? 400 : 404, {
        jsonrpc: '2.0',
        id: msg.id,
        error: { code: -32001, message: 'Session not found' },
      });
    if (msg.method === 'tools/list') return reply({ tools: fault === 'empty-tools' ? [] : TOOLS });
    if (msg.method === 'ping') return reply({});
    return json(res, 200, {
      jsonrpc: '2.0',
      id: msg.id,
      error: { code: -32601, message: 'Method not found' },
    });
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 400, { error: 'bad request' });
      else res.destroy();
    });
  };
  const server: Server = opts.tls
    ? createTlsServer({ ...opts.tls, keepAliveTimeout: 5_000 }, listener)
    : createServer({ keepAliveTimeout: 5_000 }, listener);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const addr = server.address() as { port: number };
  return {
    url: `${opts.tls ? 'https' : 'http'}://${host}:${addr.port}/mcp`,
    setFault: (mode) => {
      fault = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
