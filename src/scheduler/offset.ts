/**
 * Slot arithmetic. Slots are absolute: slot n of a server is at offset + n·interval ms since the
 * epoch, so a schedule never drifts by the probes' durations. The offset is where the server sits
 * within its interval (spread.ts chooses it, preferring the position its name's hash gives).
 */

/** 32-bit FNV-1a, then a murmur3-style finaliser so that similar names land far apart. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The position a name's hash alone gives in [0, intervalMs): the same fraction of any interval. */
export function stableOffset(name: string, intervalMs: number): number {
  return Math.floor((nameHash(name) / 2 ** 32) * intervalMs);
}

export function slotTime(index: number, intervalMs: number, offsetMs: number): number {
  return index * intervalMs + offsetMs;
}

/** The first slot at or after `t`. */
export function firstSlotAtOrAfter(t: number, intervalMs: number, offsetMs: number): number {
  return Math.ceil((t - offsetMs) / intervalMs);
}
