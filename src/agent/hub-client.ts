/**
 * The agent's calls to the hub: outbound HTTP(S) only, a bearer token of scope `agent`, a deadline
 * on every call. A refused token (401/403) is fatal: the agent cannot do anything useful with it, so
 * it stops with a message saying what to fix. Anything else that goes wrong (no route, refused
 * connection, timeout, 5xx) is `HubUnreachable`: the agent keeps probing and spools.
 */
import { AGENT_PATHS, type Assignments, type PushAnswer, type PushBody } from './protocol.js';
import { VERSION } from '../util/version.js';

export class AgentTokenRefused extends Error {
  override name = 'AgentTokenRefused';
}

export class HubUnreachable extends Error {
  override name = 'HubUnreachable';
}

/** The hub said no for a reason retrying will not fix (a 400: a bad region, say). */
export class HubRefused extends Error {
  override name = 'HubRefused';
}

export interface HubClientOptions {
  hub: string;
  token: string;
  region: string;
  agentId: string;
  timeoutMs?: number;
}

export class HubClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly o: HubClientOptions) {
    const url = new URL(o.hub);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`--hub must be an http or https URL, not ${o.hub}`);
    this.base = url.href.replace(/\/+$/, '');
    this.timeoutMs = o.timeoutMs ?? 15_000;
  }

  /** The assignments, or null when they did not change since `etag`. */
  async assignments(etag: string | null): Promise<{ body: Assignments; etag: string | null } | null> {
    const q = new URLSearchParams({ region: this.o.region, agent: this.o.agentId });
    const res = await this.call(`${AGENT_PATHS.assignments}?${q}`, {
      method: 'GET',
      headers: etag ? { 'if-none-match': etag } : {},
    });
    if (res.status === 304) return null;
    return { body: (await res.json()) as Assignments, etag: res.headers.get('etag') };
  }

  async push(body: PushBody): Promise<PushAnswer> {
    const res = await this.call(AGENT_PATHS.results, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as PushAnswer;
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          authorization: `Bearer ${this.o.token}`,
          'user-agent': `mcpwatch-agent/${VERSION} region=${this.o.region}`,
        },
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      throw new HubUnreachable(`cannot reach the hub at ${this.base}: ${reason(err)}`);
    }
    if (res.status === 401 || res.status === 403) {
      const detail = await problemDetail(res);
      throw new AgentTokenRefused(
        res.status === 401
          ? `the hub at ${this.base} does not know this token (401${detail}): create one with POST /api/v1/tokens {"name": "...", "scope": "agent"} and pass it as --token or MCPWATCH_AGENT_TOKEN`
          : `the hub at ${this.base} refused this token (403${detail}): agent routes take only tokens of scope "agent", not read or admin ones`,
      );
    }
    if (res.status === 400 || res.status === 404) {
      throw new HubRefused(
        `the hub at ${this.base} refused the call (${res.status}${await problemDetail(res)})`,
      );
    }
    if (res.status >= 300 && res.status !== 304) {
      throw new HubUnreachable(`the hub at ${this.base} answered ${res.status}${await problemDetail(res)}`);
    }
    return res;
  }
}

async function problemDetail(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { detail?: unknown };
    return typeof body.detail === 'string' ? `: ${body.detail.slice(0, 300)}` : '';
  } catch {
    return '';
  }
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (err.name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? err.message;
}
