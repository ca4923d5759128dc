// What each measurement hands back to bench/main.ts: its table rows and the numbers behind them.
import type { Row } from "./table.ts";

/** One measurement's rows for the table and its raw numbers for bench/results/bench.json. */
export interface Measured {
  rows: Row[];
  details: Record<string, unknown>;
}

/** Where the bench cases live and how many rounds a timed comparison takes. */
export interface BenchOptions {
  benchCases: string;
  fixtureCases: string;
  rounds: number;
}
