/** Why reading a registry failed, as a stable code and one plain sentence. */

export type RegistryErrorCode =
  /** The registry URL is not an absolute http(s) URL. */
  | 'bad_url'
  /** No answer: DNS, refused connection, reset. */
  | 'unreachable'
  /** No complete answer within the request's deadline. */
  | 'timeout'
  /** An answer other than 200. */
  | 'http_status'
  /** A 200 whose body is not JSON. */
  | 'not_json'
  /** JSON, but not a ServerList. */
  | 'bad_shape'
  /** A page larger than the byte cap. */
  | 'too_large'
  /** More entries than the cap, or a cursor that repeats. */
  | 'too_many'
  /** The caller aborted. */
  | 'aborted';

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    /** The request that failed (no credentials: registry URLs are public). */
    readonly url: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}
