// What changed for a cell between the run where it last passed and the run where it fails: the
// kernel package, the image's bytes, the harness commit and the case folder. Only what both runs
// recorded is compared.
import type { AttemptRecord, CellRecord, RunRecord } from "./run-record.ts";

/** One input that differs between the good and the bad run. */
export interface InputChange {
  input: "kernel" | "image" | "harness" | "case";
  before: string;
  after: string;
}

/** A cell's repetitions in one run, with the run they belong to. */
export interface CellInRun {
  run: RunRecord;
  cells: readonly CellRecord[];
}

/** The inputs that differ between the cell in the good run and in the bad run. */
export function inputChanges(good: CellInRun, bad: CellInRun): InputChange[] {
  const changes: InputChange[] = [];
  const compare = (input: InputChange["input"], pick: (side: CellInRun) => string | undefined) => {
    const before = pick(good);
    const after = pick(bad);
    if (before !== undefined && after !== undefined && before !== after)
      changes.push({ input, before, after });
  };
  const kernels = [good, bad].map((side) => lastAttempt(side)?.machine?.kernel);
  const samePackage = kernels[0]?.package === kernels[1]?.package;
  // A kernel built locally (file:) keeps its version across rebuilds; its bytes tell them apart.
  const sameVersion = samePackage && kernels[0]?.version === kernels[1]?.version;
  compare("kernel", (side) => kernelOf(side, samePackage, sameVersion));
  compare("image", (side) => short(lastAttempt(side)?.machine?.imageDigest));
  compare("harness", harnessOf);
  compare("case", (side) => short(side.cells.find((c) => c.caseHash)?.caseHash));
  return changes;
}

/** "kernel 6.12.107-1 → 6.12.117-1", for one line of a report. */
export function describeChange(change: InputChange): string {
  return `${change.input} ${change.before} → ${change.after}`;
}

// The package name only when it differs too (another flavour or ABI); the version says the rest.
function kernelOf(side: CellInRun, samePackage: boolean, sameVersion: boolean): string | undefined {
  const kernel = lastAttempt(side)?.machine?.kernel;
  if (!kernel) return undefined;
  const version = samePackage ? kernel.version : `${kernel.package} ${kernel.version}`;
  return sameVersion && kernel.sha256
    ? `${version} (sha256:${kernel.sha256.slice(0, 12)})`
    : version;
}

function harnessOf(side: CellInRun): string | undefined {
  const harness = side.run.harness;
  if (!harness) return undefined;
  return harness.commit ? harness.commit.slice(0, 12) : harness.version;
}

function lastAttempt(side: CellInRun): AttemptRecord | undefined {
  const attempts = side.cells.flatMap((c) => c.attempts).filter((a) => a.machine);
  return attempts[attempts.length - 1];
}

function short(digest: string | undefined): string | undefined {
  return digest?.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, "$1");
}
