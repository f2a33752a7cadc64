/**
 * A reader that goes away early (`mcpwatch probe URL --json | head -c 0`) is not an error of ours:
 * further output is dropped and the command ends with its own exit status, without a stack trace.
 */
const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

export function quietWhenClosed(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (CLOSED.has(err.code ?? '')) {
      // Later writes would fail the same way: swallow them.
      stream.write = (() => true) as typeof stream.write;
      return;
    }
    throw err;
  });
}
