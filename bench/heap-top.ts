/**
 * The top allocation sites of a sampling heap profile (bench/heap-sampling.ts): bytes by function,
 * with the two callers above it. Run: `node --import tsx bench/heap-top.ts FILE [N]`.
 */
import { readFileSync } from 'node:fs';

interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
}

const [file, n = '30'] = process.argv.slice(2);
if (!file) throw new Error('usage: heap-top.ts FILE [N]');
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: Node };
const frame = (f: Node['callFrame']) =>
  `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${f.lineNumber + 1}`;
const bySite = new Map<string, number>();
let total = 0;
const walk = (node: Node, stack: string[]) => {
  const here = [frame(node.callFrame), ...stack].slice(0, 3);
  if (node.selfSize > 0) {
    total += node.selfSize;
    const key = here.join('  <  ');
    bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
  }
  for (const c of node.children) walk(c, here);
};
walk(head, []);
console.log(`total sampled: ${Math.round(total / 2 ** 20)} MiB`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(n)))
  console.log(
    `${String(Math.round(bytes / 2 ** 20)).padStart(7)} MiB  ${((bytes / total) * 100).toFixed(1).padStart(5)}%  ${site}`,
  );
