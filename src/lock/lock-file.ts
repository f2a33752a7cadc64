/**
 * mcpwatch.lock.json: the tool surface of each server as it was when the lock was taken, so that CI
 * can tell later whether a server still offers what its clients were built against. Full tool
 * definitions (not only hashes), sorted by name, so that the file diffs well in review.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ProbeOutcome, ToolDefinition } from '../probe/types.js';

export const LOCK_VERSION = 1;
export const DEFAULT_LOCK_FILE = './mcpwatch.lock.json';

export interface LockedServer {
  url: string;
  server: { name: string; version: string } | null;
  protocolVersion: string | null;
  /** The probe's tools fingerprint: equal means nothing changed. */
  fingerprint: string | null;
  tools: ToolDefinition[];
}

export interface LockFile {
  lockfileVersion: typeof LOCK_VERSION;
  createdAt: string;
  servers: LockedServer[];
}

/** A lock file that cannot be used: missing, not JSON, or not this shape. */
export class LockFileError extends Error {
  override name = 'LockFileError';
}

const byName = (a: ToolDefinition, b: ToolDefinition) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The locked entry of one successful probe (with its tool definitions kept). */
export function lockedServer(outcome: ProbeOutcome): LockedServer {
  const r = outcome.result;
  return {
    url: r.url,
    server: r.server ? { name: r.server.name, version: r.server.version } : null,
    protocolVersion: r.protocolVersion ?? null,
    fingerprint: r.tools?.fingerprint ?? null,
    tools: [...(outcome.toolDefinitions ?? [])].sort(byName),
  };
}

export function serializeLock(lock: LockFile): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}

const SHAPE = {
  type: 'object',
  required: ['lockfileVersion', 'servers'],
  properties: {
    lockfileVersion: { const: LOCK_VERSION },
    createdAt: { type: 'string' },
    servers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['url', 'tools'],
        properties: {
          url: { type: 'string', pattern: '^https?://' },
          fingerprint: { type: ['string', 'null'] },
          tools: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'inputSchema'],
              properties: { name: { type: 'string', minLength: 1 } },
            },
          },
        },
      },
    },
  },
} as const;

let validate: ValidateFunction | null = null;

export function parseLock(text: string, file: string): LockFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new LockFileError(`${file} is not JSON: ${(err as Error).message}`);
  }
  validate ??= new Ajv2020({ allErrors: false, allowUnionTypes: true }).compile(SHAPE);
  if (!validate(data)) {
    const e = validate.errors?.[0];
    const where = e?.instancePath ? ` at ${e.instancePath}` : '';
    const what =
      e?.keyword === 'const' ? `lockfileVersion must be ${LOCK_VERSION}` : (e?.message ?? 'not a lock file');
    throw new LockFileError(`${file} is not an mcpwatch lock file${where}: ${what}`);
  }
  return data as LockFile;
}

export function readLock(file: string): LockFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LockFileError(
      code === 'ENOENT'
        ? `no lock file at ${file}: take one with \`mcpwatch lock URL… -o ${file}\``
        : `cannot read ${file} (${code ?? (err as Error).message})`,
    );
  }
  return parseLock(text, file);
}
