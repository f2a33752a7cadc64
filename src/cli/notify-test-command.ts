/** `mcpwatch notify-test CHANNEL`: a clearly-marked test alert, and the receiver's answer. */
import { Command } from 'commander';
import { notifyTest } from '../alerts/notify-test.js';
import { DEFAULT_CONFIG, readConfig } from './config-option.js';
import { UsageError, type Io } from './io.js';

export function notifyTestCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command('notify-test')
    .description('send a test alert through one channel and print what the receiver answered')
    .argument('<channel>', 'a channel name from the config')
    .option('-c, --config <file>', 'the config file', DEFAULT_CONFIG)
    .option('--json', 'print the result as JSON')
    .action(async (channel: string, o: { config: string; json?: boolean }) => {
      const config = readConfig(o.config);
      if (!config.channels.some((c) => c.name === channel))
        throw new UsageError(
          `no channel named "${channel}" (configured: ${config.channels.map((c) => c.name).join(', ') || 'none'})`,
        );
      const r = await notifyTest(config, channel);
      if (o.json) io.out(JSON.stringify(r, null, 2));
      else
        io.out(
          `${r.ok ? '✓' : '✗'} ${r.channel} (${r.type}): ${r.ok ? 'delivered' : 'failed'}${r.status !== null ? `, status ${r.status}` : ''} in ${Math.round(r.latencyMs)} ms` +
            `${r.receiverId ? `, receiver id ${r.receiverId}` : ''}\n  answer: ${r.answer || '(empty)'}${!r.ok && r.retryable !== null ? `\n  ${r.retryable ? 'a temporary failure: the monitor would retry' : 'a permanent failure: fix the channel settings'}` : ''}`,
        );
      setExit(r.ok ? 0 : 1);
    });
}
