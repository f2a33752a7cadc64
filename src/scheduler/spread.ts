/**
 * Places servers within their interval so that probes are spread evenly, not just randomly: a hash
 * alone clumps (600 servers at 60 s put up to 20 probes in some second where 10 is the mean). The
 * interval is split in halves, quarters, … down to LEAVES slots; a new server descends into the half
 * holding fewer servers, taking the half its name's hash points to when they are equal. Every
 * half, quarter, … then holds its fair share ±1, so any stretch of the interval gets close to
 * its share of probes.
 *
 * Stability: a server keeps its offset for as long as it is scheduled; adding or removing others
 * never moves it. The offset depends on the servers placed before it, so adding them in a stable
 * order (the config's) gives the same offsets after a restart. Alone, a server sits at its hash.
 */
import { nameHash } from './offset.js';

const DEPTH = 12;
const LEAVES = 1 << DEPTH;

export interface Placement {
  intervalMs: number;
  leaf: number;
  offsetMs: number;
}

export class SpreadPlanner {
  /** Per interval: a complete binary tree of counts, root at 1, leaves at LEAVES … 2·LEAVES−1. */
  private readonly trees = new Map<number, Uint32Array>();

  place(name: string, intervalMs: number): Placement {
    const tree = this.tree(intervalMs);
    const hash = nameHash(name);
    let node = 1;
    for (let level = 0; level < DEPTH; level++) {
      tree[node] = (tree[node] ?? 0) + 1;
      const left = 2 * node;
      const l = tree[left] ?? 0;
      const r = tree[left + 1] ?? 0;
      const hashBit = (hash >>> (31 - level)) & 1;
      node = l < r ? left : r < l ? left + 1 : left + hashBit;
    }
    tree[node] = (tree[node] ?? 0) + 1;
    const leaf = node - LEAVES;
    // Within its leaf, the server sits where the rest of its hash says.
    const within = (hash & ((1 << (32 - DEPTH)) - 1)) / 2 ** (32 - DEPTH);
    const offsetMs = Math.min(intervalMs - 1, Math.floor(((leaf + within) / LEAVES) * intervalMs));
    return { intervalMs, leaf, offsetMs };
  }

  release(placement: Placement): void {
    const tree = this.trees.get(placement.intervalMs);
    if (!tree) return;
    for (let node = placement.leaf + LEAVES; node >= 1; node >>= 1)
      tree[node] = Math.max(0, (tree[node] ?? 0) - 1);
  }

  private tree(intervalMs: number): Uint32Array {
    let tree = this.trees.get(intervalMs);
    if (!tree) {
      tree = new Uint32Array(2 * LEAVES);
      this.trees.set(intervalMs, tree);
    }
    return tree;
  }
}
