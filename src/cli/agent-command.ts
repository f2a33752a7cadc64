/**
 * `mcpwatch agent`: a regional probe agent (docs/agents.md). Flags or environment variables:
 * --hub / MCPWATCH_HUB, --token / MCPWATCH_AGENT_TOKEN, --region / MCPWATCH_REGION,
 * --spool / MCPWATCH_AGENT_SPOOL, --spool-max / MCPWATCH_AGENT_SPOOL_MAX.
 * Exit codes: 0 stopped by SIGTERM/SIGINT, 2 bad usage, 3 the hub refused the token or the region.
 */
import { Command } from 'commander';
import { Agent } from '../agent/agent.js';
import { AgentTokenRefused, HubRefused } from '../agent/hub-client.js';
import { REGION_PATTERN } from '../agent/protocol.js';
import { DEFAULT_SPOOL_MAX_BYTES } from '../agent/spool.js';
import { createLogger } from '../util/logger.js';
import { UsageError, type Io } from './io.js';

export const AGENT_ENV = {
  hub: 'MCPWATCH_HUB',
  token: 'MCPWATCH_AGENT_TOKEN',
  region: 'MCPWATCH_REGION',
  spool: 'MCPWATCH_AGENT_SPOOL',
  spoolMax: 'MCPWATCH_AGENT_SPOOL_MAX',
} as const;

const DEFAULT_SPOOL = './data/agent-spool';

export function agentCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command('agent')
    .description('probe from this region the servers the hub assigns to it, and push the results to the hub')
    .option(
      '--hub <url>',
      `the hub's URL (mcpwatch serve), e.g. https://mcpwatch.example.com [${AGENT_ENV.hub}]`,
    )
    .option('--token <token>', `an API token of scope "agent" [${AGENT_ENV.token}]`)
    .option('--region <name>', `this agent's region, as servers name it in regions: [${AGENT_ENV.region}]`)
    .option(
      '--spool <dir>',
      `where results wait while the hub is unreachable [${AGENT_ENV.spool}] (default ${DEFAULT_SPOOL})`,
    )
    .option(
      '--spool-max <size>',
      `the spool's bound, e.g. 64MiB; beyond it the oldest results are dropped [${AGENT_ENV.spoolMax}] (default 64MiB)`,
    )
    .addHelpText(
      'after',
      '\nPrefer the environment variable for the token: flags show in the process list.\nExit codes: 0 stopped (SIGTERM/SIGINT), 2 bad usage, 3 the hub refused the token or the region.',
    )
    .action(
      async (o: { hub?: string; token?: string; region?: string; spool?: string; spoolMax?: string }) => {
        const env = process.env;
        const hub = o.hub ?? env[AGENT_ENV.hub];
        const token = o.token ?? env[AGENT_ENV.token];
        const region = o.region ?? env[AGENT_ENV.region];
        const spoolDir = o.spool ?? env[AGENT_ENV.spool] ?? DEFAULT_SPOOL;
        const spoolMax = parseSize(o.spoolMax ?? env[AGENT_ENV.spoolMax]);
        if (!hub) throw new UsageError(`say where the hub is: --hub URL or ${AGENT_ENV.hub}`);
        if (!token) throw new UsageError(`give the agent its token: --token TOKEN or ${AGENT_ENV.token}`);
        if (!region) throw new UsageError(`name the agent's region: --region NAME or ${AGENT_ENV.region}`);
        if (!REGION_PATTERN.test(region))
          throw new UsageError(`region "${region}" must be lowercase letters, digits and dashes`);
        try {
          const u = new URL(hub);
          if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
        } catch {
          throw new UsageError(`--hub must be an http or https URL, not "${hub}"`);
        }
        const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGTERM', () => resolve('SIGTERM'));
          process.once('SIGINT', () => resolve('SIGINT'));
        });
        const log = createLogger({ pretty: io.tty });
        const agent = new Agent({ hub, token, region, spoolDir, spoolMaxBytes: spoolMax, log });
        const running = agent.run();
        try {
          const outcome = await Promise.race([running.then(() => 'done' as const), stopRequested]);
          if (outcome !== 'done') {
            log.info({ signal: outcome }, 'stopping: last push, then exit');
            await agent.stop();
          }
          setExit(0);
        } catch (err) {
          if (err instanceof AgentTokenRefused || err instanceof HubRefused) {
            io.err(`mcpwatch agent: ${err.message}`);
            setExit(3);
            return;
          }
          throw err;
        }
      },
    );
}

/** "64MiB", "500kb", "1048576" -> bytes; undefined -> the default. */
export function parseSize(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SPOOL_MAX_BYTES;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(text);
  if (!m) throw new UsageError(`--spool-max takes a size like 64MiB or 500MB, not "${text}"`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor: Record<string, number> = {
    b: 1,
    kb: 1e3,
    kib: 1024,
    mb: 1e6,
    mib: 1024 ** 2,
    gb: 1e9,
    gib: 1024 ** 3,
  };
  const bytes = Math.floor(Number(m[1]) * factor[unit]!);
  if (bytes < 64 * 1024) throw new UsageError(`--spool-max must be at least 64KiB, not "${text}"`);
  return bytes;
}
