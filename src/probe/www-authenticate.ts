/**
 * Reads the scheme and `resource_metadata` (RFC 9728) from a WWW-Authenticate header. Written by hand:
 * only the first challenge's scheme and two parameters are needed, and no small maintained parser
 * for this header exists.
 */
export function parseWwwAuthenticate(value: string | undefined): {
  scheme: string | null;
  resourceMetadata: string | null;
} {
  if (!value) return { scheme: null, resourceMetadata: null };
  const scheme = /^\s*([A-Za-z][\w!#$%&'*+.^`|~-]*)/.exec(value)?.[1] ?? null;
  const param = /(?:^|[\s,])resource_metadata\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/i.exec(value);
  const resourceMetadata = param ? (param[1] ?? param[2] ?? '').replace(/\\(.)/g, '$1') : null;
  return { scheme, resourceMetadata };
}
