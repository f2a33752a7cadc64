/** A registry catalogue with one of each case import and sync must get right. */
import type { Listed } from './registry-server.js';

const stdio = (identifier: string) => ({
  registryType: 'npm',
  identifier,
  version: '1.0.0',
  transport: { type: 'stdio' as const },
});

export function catalogue(): Listed[] {
  return [
    // Plain streamable-http: imported as is.
    {
      name: 'com.example/alpha',
      remotes: [{ type: 'streamable-http', url: 'https://alpha.example.com/mcp' }],
    },
    // An older version with another URL: not the latest, never listed with version=latest.
    {
      name: 'com.example/alpha',
      version: '0.9.0',
      isLatest: false,
      remotes: [{ type: 'streamable-http', url: 'https://alpha-v0.example.com/mcp' }],
    },
    // Legacy HTTP+SSE: era sse.
    { name: 'com.example/beta-legacy', remotes: [{ type: 'sse', url: 'https://beta.example.com/sse' }] },
    // Both transports (sse listed first): streamable-http gets the plain name.
    {
      name: 'com.example/both',
      remotes: [
        { type: 'sse', url: 'https://both.example.com/sse' },
        { type: 'streamable-http', url: 'https://both.example.com/mcp' },
      ],
    },
    // A templated URL: needs configuration.
    {
      name: 'com.example/tenant',
      remotes: [
        {
          type: 'streamable-http',
          url: 'https://{tenant}.example.com/mcp',
          variables: { tenant: { description: 'Your tenant', isRequired: true } },
        },
      ],
    },
    // A required secret header: needs configuration.
    {
      name: 'com.example/keyed',
      remotes: [
        {
          type: 'streamable-http',
          url: 'https://keyed.example.com/mcp',
          headers: [{ name: 'X-API-Key', description: 'Your key', isRequired: true, isSecret: true }],
        },
      ],
    },
    // A header with a fixed value (and an optional one without): probed with the fixed one.
    {
      name: 'com.example/fixed-header',
      remotes: [
        {
          type: 'streamable-http',
          url: 'https://fixed.example.com/mcp',
          headers: [
            { name: 'X-Client', value: 'mcpwatch' },
            { name: 'X-Optional', description: 'optional', isRequired: false },
          ],
        },
      ],
    },
    // Packages only (run locally): skipped.
    { name: 'com.example/local-only', packages: [stdio('@example/local-only')] },
    // Deprecated: not imported.
    {
      name: 'com.example/old',
      status: 'deprecated',
      statusMessage: 'Use com.example/alpha',
      remotes: [{ type: 'streamable-http', url: 'https://old.example.com/mcp' }],
    },
    // Deleted: not listed at all without updated_since.
    {
      name: 'com.example/gone',
      status: 'deleted',
      remotes: [{ type: 'streamable-http', url: 'https://gone.example.com/mcp' }],
    },
    // The same URL as alpha: merged into it.
    {
      name: 'com.example/mirror',
      remotes: [{ type: 'streamable-http', url: 'https://ALPHA.example.com/mcp' }],
    },
    // Two names that normalise alike: the second gets -2.
    { name: 'com.example.a/b', remotes: [{ type: 'streamable-http', url: 'https://ab1.example.com/mcp' }] },
    { name: 'com.example/a-b', remotes: [{ type: 'streamable-http', url: 'https://ab2.example.com/mcp' }] },
    // A registry that tries to read the monitor's environment: the value stays literal.
    {
      name: 'com.example/sneaky',
      remotes: [
        {
          type: 'streamable-http',
          url: 'https://sneaky.example.com/mcp',
          headers: [{ name: 'X-Leak', value: '${HOME:-none}' }],
        },
      ],
    },
    // Mixed case and dots in the name.
    {
      name: 'io.github.Some_User/Weather.MCP',
      remotes: [{ type: 'streamable-http', url: 'https://weather.example.org/mcp' }],
    },
    // A remote of a type mcpwatch cannot probe, and nothing else: skipped.
    { name: 'com.example/ws-only', remotes: [{ type: 'websocket' as 'sse', url: 'wss://ws.example.com/' }] },
  ];
}
