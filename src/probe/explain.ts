/** Plain words for each failure code: what it means for an agent and what usually fixes it. */
import type { ErrorCode } from './types.js';

export const LIKELY_FIX: Record<ErrorCode, string> = {
  dns_not_found:
    'The host name does not exist in DNS. Check the spelling of the URL, or the DNS record if you own the domain.',
  dns_failed:
    "DNS could not answer. Check the resolver on the probing machine, or the domain's name servers.",
  connect_refused:
    'Nothing is listening on that port. Is the server process running, and on the port in the URL?',
  connect_timeout:
    'The host did not accept a connection in time. Check firewalls, security groups and that the host is up.',
  connection_reset:
    'The connection was cut. A crashing process, a proxy timeout or a load balancer without healthy backends are usual causes.',
  tls_handshake_failed:
    "The TLS handshake failed. Check the server's TLS configuration (protocol versions, ciphers, SNI).",
  tls_timeout:
    'The server accepted TCP but never completed TLS. Is something plain-HTTP listening on an https port?',
  tls_cert_expired:
    'The certificate has expired: every agent refuses it. Renew it (e.g. certbot renew) and reload the server.',
  tls_cert_not_yet_valid:
    "The certificate is not valid yet. Check the server clock, or the certificate's start date.",
  tls_hostname_mismatch:
    'The certificate is for another host name. Issue one that covers this host, or use the right URL.',
  tls_untrusted:
    'The certificate is not signed by a trusted authority. Serve the full chain, or pass --ca for a private CA.',
  blocked_address:
    'The host resolves to a private or reserved address, which this monitor is configured not to reach.',
  redirect:
    'The endpoint answers with a redirect. Agents often do not follow redirects on POST: update the URL to the final one.',
  auth_required:
    'The server wants credentials. Pass them with --header "Authorization: Bearer …", or expect auth if this is intended.',
  forbidden:
    "The server refused the credentials or the origin (403). Check the token's scopes and the server's Origin checks.",
  not_found:
    'Nothing MCP is at this path. Check the URL path: MCP endpoints are usually /mcp (or /sse for the legacy transport).',
  method_not_allowed:
    'The endpoint does not accept POST (or GET for SSE). Check the URL points at the MCP endpoint itself.',
  not_acceptable:
    'The server rejected the Accept header. An MCP server must accept "application/json, text/event-stream".',
  rate_limited:
    "The server is rate limiting the probe. Allow the monitor's address or lower the probe frequency.",
  status_4xx:
    'The server rejected the request. Read the message above: it usually names the missing header or parameter.',
  status_5xx:
    'The server failed while answering. Check its logs: a crash, an exhausted pool or a failing upstream are usual causes.',
  not_jsonrpc:
    'Something answered, but not an MCP server: often an error page, a maintenance page or a proxy in front of it.',
  body_too_large:
    'The answer was larger than the probe allows (4 MiB by default) or never ended. Check for runaway output.',
  malformed_http: 'The answer was not valid HTTP. A proxy or a non-HTTP service may be on that port.',
  jsonrpc_error: 'The server answered the MCP request with an error. Its message above says why.',
  invalid_result:
    "The server answered initialize with a result that lacks required fields. Upgrade or fix the server's MCP library.",
  unsupported_protocol_version:
    "The server speaks a protocol version mcpwatch does not know. Check the server's MCP library version.",
  session_error:
    'The server lost or rejected the MCP session. Sticky sessions behind a load balancer, or restarts, are usual causes.',
  timeout:
    'The server accepted the request but did not answer in time. Check for a hung process or a slow upstream.',
  empty:
    'The server lists fewer tools than expected. A failed tool registration at startup or a broken upstream is a usual cause.',
  malformed: 'The tools/list answer is malformed. Agents cannot read these tools.',
  invalid_schema:
    "A tool's inputSchema is not a valid JSON Schema object schema. Agents will fail to call it.",
  tool_error:
    'A configured tool call answered with isError: true. The tool itself failed: its message above says why (a broken upstream, expired credentials, bad arguments in the config).',
  tool_not_found:
    'A configured tool call names a tool the server does not list. The tool was renamed or removed, or failed to register at startup.',
  invalid_output:
    "A configured tool call returned structuredContent that does not match the tool's own outputSchema (or none at all). Agents that validate output will reject it.",
  unexpected_output:
    "A configured tool call answered, but not with what the call's expect asks for. Check the tool's data source, or the expectation in the config.",
};
