/** A config exercising every routing feature (no channel is ever contacted by the tests using it). */
import type { Config } from '../../src/config/types.js';
import { HOOK_SECRET, PD_KEY, configFrom } from './fixtures.js';

export const ROUTING_YAML = `
server: { publicUrl: "https://mon.example.com/" }
servers:
  - { name: docs-search, url: "https://mcp.example.com/mcp" }
  - name: billing
    url: https://billing.example.com/mcp
    routes: { P1: [phone], P3: [team] }
channels:
  - { name: pager, type: pagerduty, routingKey: "\${PD_KEY}" }
  - { name: backup, type: opsgenie, apiKey: "\${OG_KEY}", region: eu }
  - { name: phone, type: sms, accountSid: "AC0123456789abcdef0123456789abcdef", authToken: "\${TW_TOKEN}", from: "+15550000001", to: "+15550000002" }
  - { name: team, type: slack, url: "\${SLACK_URL}" }
  - { name: mail, type: email, smtp: { host: smtp.example.com }, from: "mcpwatch@example.com", to: "ops@example.com" }
  - { name: hook, type: webhook, url: "https://ops.example.com/hook", secret: "\${HOOK_SECRET}" }
routes: { P1: [pager, hook], P2: [team, hook], P3: [digest, pager] }
escalation:
  P1: { after: 5m, to: [backup] }
  P2: { after: 30m, to: [pager] }
digest: { schedule: "mon 09:00", channels: [mail] }
maintenance:
  - { id: mw-1, servers: [billing], start: "2025-01-06T10:00:00Z", end: "2025-01-06T12:00:00Z", title: "DB upgrade" }
statusPages:
  - { slug: public, title: Example, servers: [docs-search] }
`;

export function routingConfig(): Config {
  return configFrom(ROUTING_YAML, {
    PD_KEY,
    OG_KEY: 'og-key-0123',
    TW_TOKEN: 'tw-token-0123',
    SLACK_URL: 'https://hooks.slack.com/services/T/B/X',
    HOOK_SECRET,
  });
}
