// Ctrl-C and SIGTERM, counted. The first cancels the run: cells stop, temp folders go, the partial
// record is written. The second hurries that along (no grace: every process group gets SIGKILL at
// once) but still cleans up and records. Only a third kills every group synchronously and exits.

/** The abort reason when the user or the system stops a run. */
export class CancelledError extends Error {
  readonly signalName: string;
  constructor(signalName: string) {
    super(`run cancelled by ${signalName}`);
    this.name = "CancelledError";
    this.signalName = signalName;
  }
}

/** What the second signal, and the third and later, do beyond cancelling. */
export interface SignalActions {
  /** Second signal: stop without grace, still clean up and record. */
  hurry: () => void;
  /** Third and later: kill what runs, synchronously, and exit. */
  force: () => void;
}

/** Aborts `controller` on SIGINT/SIGTERM, then hurries, then forces; returns a function that removes the handlers. */
export function cancelOnSignals(controller: AbortController, actions: SignalActions): () => void {
  let received = 0;
  const handler = (signalName: NodeJS.Signals) => {
    received++;
    if (received === 1) controller.abort(new CancelledError(signalName));
    else if (received === 2) actions.hurry();
    else actions.force();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
