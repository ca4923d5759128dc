// Ctrl-C and SIGTERM: the first cancels the run (cells stop, records are written); a second forces exit.

/** The abort reason when the user or the system stops a run. */
export class CancelledError extends Error {
  readonly signalName: string;
  constructor(signalName: string) {
    super(`run cancelled by ${signalName}`);
    this.name = "CancelledError";
    this.signalName = signalName;
  }
}

/** Aborts `controller` on SIGINT/SIGTERM; returns a function that removes the handlers. */
export function cancelOnSignals(controller: AbortController, onForce: () => void): () => void {
  const handler = (signalName: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      onForce();
      return;
    }
    controller.abort(new CancelledError(signalName));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
