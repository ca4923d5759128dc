// Compute Engine's long-running operations: poll with the operations' `wait` method until DONE,
// then turn an operation error into an error that says what failed.
import { HarnessError } from "../../harness/errors.ts";
import type { protos } from "@google-cloud/compute";

type Operation = protos.google.cloud.compute.v1.IOperation;

/** Asks the service about an operation by name; `wait` blocks server-side for a while. */
export type OperationPoller = (name: string) => Promise<Operation>;

/** Settles when the operation is DONE; rejects with its error, or when `signal` aborts. */
export async function waitForOperation(
  first: Operation,
  poll: OperationPoller,
  signal?: AbortSignal,
): Promise<Operation> {
  let op = first;
  for (let round = 0; String(op.status) !== "DONE"; round++) {
    signal?.throwIfAborted();
    if (!op.name)
      throw new HarnessError("EGCPOP", "Compute Engine answered an operation without a name");
    op = await poll(op.name);
    if (String(op.status) !== "DONE" && round > 0)
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 200 * round)));
  }
  const failure = op.error?.errors?.[0];
  if (failure) {
    throw new HarnessError(
      "EGCPOP",
      `${op.operationType ?? "operation"} on ${op.targetLink ?? "?"} failed: ${failure.code ?? ""} ${failure.message ?? ""}`.trim(),
      { hint: "see the operation in the Cloud console; `harness gcp gc` removes what it left" },
    );
  }
  return op;
}
