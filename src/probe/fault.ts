/**
 * A classified failure travels as a thrown ProbeFault from wherever it is noticed up to probe(), which
 * turns it into the result's `failure`. Anything else that is thrown is classified by classify.ts.
 */
import type { ErrorCode, Failure, LayerName } from './types.js';

export class ProbeFault extends Error {
  constructor(
    readonly layer: LayerName,
    readonly code: ErrorCode,
    message: string,
    readonly extra: Pick<Failure, 'httpStatus' | 'rpcCode' | 'location'> = {},
  ) {
    // A fault is an expected, classified outcome, not a bug: capturing its stack trace cost more than
    // the rest of a failed probe (the era probe's 404 on every first probe).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'ProbeFault';
  }

  toFailure(): Failure {
    return { layer: this.layer, code: this.code, message: this.message, ...this.extra };
  }
}

export const fault = (
  layer: LayerName,
  code: ErrorCode,
  message: string,
  extra?: Pick<Failure, 'httpStatus' | 'rpcCode' | 'location'>,
): ProbeFault => new ProbeFault(layer, code, message, extra);
