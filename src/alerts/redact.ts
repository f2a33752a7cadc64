/**
 * Keeps secrets (webhook URLs, routing keys, tokens, passwords) out of logs and error messages.
 */

/** "hooks.slack.com/…(77 chars)" style: enough to recognise, never enough to use. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return '*'.repeat(secret.length);
  return `${secret.slice(0, 4)}…(${secret.length} chars)`;
}

/** A URL with its path, query and credentials hidden: "https://hooks.slack.com/…". */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return maskSecret(url);
  }
}

/** Replaces every occurrence of any secret (and its URL-encoded form) in text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) {
      out = out.split(form).join('[redacted]');
    }
  }
  return out;
}

/** Short, single-line, secret-free text for lastError and logs. */
export function cleanError(text: string, secrets: readonly string[], max = 300): string {
  const oneLine = redact(text, secrets).replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
