/**
 * The benchmark's endpoint farm, run as its own process so that its CPU is not the monitor's: one
 * HTTP and one HTTPS demo MCP server on loopback answering on any /mcp/NAME path. Prints
 * {"http": URL, "https": URL, "ca": PEM} on its first line, then serves until killed.
 */
import { startDemoServer } from '../src/demo/demo-server.js';
import { testCerts } from '../test/fixtures/certs.js';

const certs = await testCerts();
const http = await startDemoServer({ anyPath: true });
const https = await startDemoServer({ anyPath: true, tls: certs.valid });
process.stdout.write(`${JSON.stringify({ http: http.url, https: https.url, ca: certs.ca })}\n`);
process.on('SIGTERM', () => void Promise.all([http.close(), https.close()]).then(() => process.exit(0)));
