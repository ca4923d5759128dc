// The search of harness bisect: over kernels ordered oldest first, the first one whose cells fail,
// trying as few kernels as a binary search needs. Each kernel is judged once (with repetitions, so
// a flaky failure is seen); the search assumes that once a kernel fails, every later one does.

/** How one kernel did: bad when any repetition of any selected cell failed. */
export interface KernelVerdict {
  kernel: string;
  bad: boolean;
  /** One line for the log: "3/3 passed", "1/3 failed: …". */
  summary: string;
  /** The step's run folder, and the failing cell's console log (or folder) and its last lines. */
  runDir?: string;
  log?: string;
  logTail?: string[];
}

/** What the search found, and every kernel it tried in the order it tried them. */
export interface BisectResult {
  firstBad?: KernelVerdict;
  lastGood?: KernelVerdict;
  tried: KernelVerdict[];
}

/** The first bad kernel of `kernels`, judging each with `judge` (at most once). */
export async function bisectKernels(
  kernels: readonly string[],
  judge: (kernel: string) => Promise<KernelVerdict>,
): Promise<BisectResult> {
  const tried: KernelVerdict[] = [];
  const verdicts = new Map<number, KernelVerdict>();
  const at = async (index: number) => {
    let verdict = verdicts.get(index);
    if (!verdict) {
      verdict = await judge(kernels[index] as string);
      verdicts.set(index, verdict);
      tried.push(verdict);
    }
    return verdict;
  };
  const last = kernels.length - 1;
  if (!(await at(last)).bad) return { lastGood: verdicts.get(last) as KernelVerdict, tried };
  if ((await at(0)).bad) return { firstBad: verdicts.get(0) as KernelVerdict, tried };
  // Invariant: kernels[good] passes, kernels[bad] fails.
  let good = 0;
  let bad = last;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if ((await at(middle)).bad) bad = middle;
    else good = middle;
  }
  return {
    firstBad: verdicts.get(bad) as KernelVerdict,
    lastGood: verdicts.get(good) as KernelVerdict,
    tried,
  };
}
