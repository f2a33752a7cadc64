/** The version mcpwatch reports (CLI --version, probe User-Agent); kept equal to package.json's. */
export const VERSION = '0.1.0';
