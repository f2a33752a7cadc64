/** One benchmark figure, and the table every benchmark prints. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The floor or target the issue names, when there is one, e.g. "< 2000". */
  target?: string;
}

export function printTable(title: string, figures: BenchFigure[]): void {
  const width = Math.max(title.length, ...figures.map((f) => f.name.length));
  const rows = figures.map((f) =>
    [f.name.padEnd(width), String(f.value).padStart(12), f.unit.padEnd(10), f.target ?? '']
      .join('  ')
      .trimEnd(),
  );
  console.log(
    [`${title.padEnd(width)}  ${'value'.padStart(12)}  ${'unit'.padEnd(10)}  target`, ...rows].join('\n'),
  );
}
