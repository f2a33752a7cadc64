/**
 * Bounded reading of response bodies: decompressed as they arrive (gzip, deflate, br) and counted after
 * decompression, so a small compressed bomb cannot grow past the cap.
 */
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { fault } from './fault.js';
import type { LayerName } from './types.js';

function decoder(encoding: string, layer: LayerName): Transform | null {
  switch (encoding) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw fault(layer, 'malformed_http', `the response uses an unsupported Content-Encoding "${encoding}"`);
  }
}

/** Yields decoded chunks; throws `body_too_large` past maxBytes and `malformed_http` on a corrupt stream. */
export async function* decodedChunks(
  body: Readable,
  encoding: string,
  maxBytes: number,
  layer: LayerName,
): AsyncGenerator<Buffer> {
  const z = decoder(encoding.trim().toLowerCase(), layer);
  const source: Readable = z ? (pipeline(body, z, () => {}) as unknown as Readable) : body;
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes)
        throw fault(
          layer,
          'body_too_large',
          `the response body passed the ${Math.round(maxBytes / 1024)} KiB cap${z ? ' after decompression' : ''}`,
        );
      yield chunk;
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (z && code && code.startsWith('Z_'))
      throw fault(layer, 'malformed_http', `the ${encoding} response body is corrupt (${code})`);
    if (z && code === 'ERR__ERROR_FORMAT_PADDING_1')
      throw fault(layer, 'malformed_http', `the ${encoding} response body is corrupt`);
    throw err;
  } finally {
    z?.destroy();
    body.destroy();
  }
}

/** The whole body as text (UTF-8, invalid bytes replaced), bounded. */
export async function readText(
  body: Readable,
  encoding: string,
  maxBytes: number,
  layer: LayerName,
): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of decodedChunks(body, encoding, maxBytes, layer)) parts.push(chunk);
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(parts));
}
