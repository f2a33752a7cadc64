/** The human report of one probe: a line per layer, the failure in plain words, and the facts around it. */
import { LAYERS, type LayerName, type ProbeResult } from '../probe/types.js';
import { neutraliseDeep } from '../util/unsafe-text.js';
import { LIKELY_FIX } from '../probe/explain.js';

export interface Style {
  ok: (s: string) => string;
  bad: (s: string) => string;
  dim: (s: string) => string;
}

const plain: Style = { ok: (s) => s, bad: (s) => s, dim: (s) => s };
export const colors: Style = {
  ok: (s) => `\x1b[32m${s}\x1b[0m`,
  bad: (s) => `\x1b[31m${s}\x1b[0m`,
  dim: (s) => `\x1b[2m${s}\x1b[0m`,
};

const ms = (n: number | null | undefined) =>
  n == null ? '' : n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;

function detail(r: ProbeResult, layer: LayerName): string {
  const l = r.layers;
  switch (layer) {
    case 'transport': {
      const parts = [`dns ${ms(l.transport.dnsMs)}`, `tcp ${ms(l.transport.connectMs)}`];
      if (l.transport.tlsMs != null) parts.push(`tls ${ms(l.transport.tlsMs)}`);
      return `${l.transport.address ?? ''} (${parts.join(', ')})`;
    }
    case 'http':
      return l.http.statusCode != null
        ? `HTTP ${l.http.statusCode}, first byte after ${ms(l.http.ttfbMs)}`
        : '';
    case 'initialize':
      return r.server
        ? `${r.server.name} ${r.server.version} · protocol ${r.protocolVersion} over ${r.transport}`
        : '';
    case 'tools_list':
      if (r.tools)
        return `${r.tools.count} tools${r.tools.pages && r.tools.pages > 1 ? ` on ${r.tools.pages} pages` : ''} · ${r.tools.fingerprint.slice(0, 19)}…`;
      return l.tools_list.status === 'skipped' && !r.failure ? 'the server declares no tools capability' : '';
    case 'tool_call':
      return (l.tool_call?.calls ?? [])
        .map(
          (c) =>
            `${c.tool} ${c.status === 'skipped' ? `skipped (${c.skipped ?? ''})` : `${c.status} ${ms(c.durationMs)}`}`,
        )
        .join(' · ');
  }
}

/** The report; every string of the result (remote text) is neutralised first, so colours stay ours. */
export function renderReport(result: ProbeResult, style: Style = plain): string {
  const r = neutraliseDeep(result);
  const out: string[] = [`${r.url}`];
  for (const layer of LAYERS) {
    const l = r.layers[layer];
    if (!l) continue; // tool_call: no calls configured
    const mark = l.status === 'ok' ? style.ok('✓') : l.status === 'failed' ? style.bad('✗') : style.dim('-');
    const text = l.status === 'failed' && r.failure ? r.failure.message : detail(r, layer);
    out.push(
      `  ${mark} ${layer.padEnd(10)} ${ms(l.durationMs).padStart(8)}  ${l.status === 'skipped' && !text ? style.dim('skipped') : text}`,
    );
  }
  if (r.failure) {
    out.push(
      '',
      `  ${style.bad(`${r.failure.layer}/${r.failure.code}`)}${r.failure.httpStatus ? ` (HTTP ${r.failure.httpStatus})` : ''}${r.failure.rpcCode != null ? ` (JSON-RPC ${r.failure.rpcCode})` : ''}`,
    );
    out.push(`  ${LIKELY_FIX[r.failure.code]}`);
    if (r.auth?.required)
      out.push(
        `  auth: ${r.auth.scheme ?? 'unknown scheme'}${r.auth.resourceMetadata ? `, resource metadata at ${r.auth.resourceMetadata}` : ''}`,
      );
  }
  if (r.tls) {
    const days = Math.floor(r.tls.daysRemaining);
    const when =
      days < 0
        ? style.bad(`expired ${-days} days ago`)
        : days < 14
          ? style.bad(`expires in ${days} days`)
          : `valid for ${days} more days`;
    out.push(
      '',
      `  TLS ${r.tls.protocol ?? ''} · ${when} (until ${r.tls.validTo.slice(0, 10)}) · ${r.tls.subject ?? ''} issued by ${r.tls.issuer ?? 'unknown'}${r.tls.authorized ? '' : style.bad(` · not verified: ${r.tls.error}`)}`,
    );
  }
  if (r.warnings.length) {
    out.push('');
    for (const w of r.warnings) out.push(`  ! ${w.code}: ${w.message}`);
  }
  out.push(
    '',
    r.ok
      ? style.ok(`healthy in ${ms(r.durationMs)}`)
      : style.bad(`unhealthy (${r.failure?.layer}/${r.failure?.code}) after ${ms(r.durationMs)}`),
  );
  return out.join('\n');
}
