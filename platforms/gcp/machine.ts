// One cell's instance: created from the pushed image with its serial ports enabled, read through
// the serial-port API, watched until it powers off, and deleted on every path.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { BootRequest, BootedMachine, MachineExit } from "../types.ts";
import type { GcpApi, InstanceSpec } from "./api.ts";
import { readSerialPort, type SerialReader } from "./serial.ts";

/** How often the instance's status is read to notice that the guest powered off. */
const STATUS_POLL_MS = 2000;

/** What the machine needs besides the boot request. */
export interface InstancePlan {
  api: GcpApi;
  spec: InstanceSpec;
  zone: string;
  /** Called once the instance is gone, so the run stops tracking it. */
  onDeleted: () => void;
}

/** Creates the instance and returns it as a running machine; a failed start deletes it again. */
export async function startInstance(
  request: BootRequest,
  plan: InstancePlan,
): Promise<BootedMachine> {
  const { api, spec } = plan;
  const commandLine = describeInstance(spec, plan.zone);
  await writeFile(join(request.stateDir, "gcp.instance"), `${commandLine.join(" ")}\n`);
  const remove = async (): Promise<void> => {
    await api.deleteInstance(spec.name);
    plan.onDeleted();
  };
  let natIP: string | undefined;
  try {
    await api.createInstance(spec, request.signal);
    natIP = (await api.getInstance(spec.name))?.natIP;
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }

  const console = new PassThrough();
  const note = (text: string): void => {
    console.write(`\r\n[harness: ${text}]\r\n`);
  };
  const serial1 = readSerialPort(api, spec.name, 1, note);
  serial1.stream.pipe(console);
  const serial2: SerialReader | undefined =
    request.resultsChannel === false ? undefined : readSerialPort(api, spec.name, 2, note);

  let settle: (exit: MachineExit) => void = () => undefined;
  const exited = new Promise<MachineExit>((resolve) => (settle = resolve));
  let watching = true;
  const watch = (async () => {
    while (watching) {
      await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
      if (!watching) return;
      const instance = await api.getInstance(spec.name).catch(() => null);
      if (instance === undefined) settle({ code: null, signal: "deleted" });
      if (instance === undefined || ["TERMINATED", "STOPPED"].includes(instance?.status ?? "")) {
        watching = false;
        if (instance) settle({ code: 0, signal: null });
      }
    }
  })();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      watching = false;
      await watch;
      await Promise.all([serial1.stop(), serial2?.stop()]);
      await remove();
      settle({ code: null, signal: "deleted" });
    })();
    return stopping;
  };

  return {
    console,
    results: serial2?.stream,
    forwarded: new Map(
      natIP && request.forwardPorts?.includes(22) ? [[22, { host: natIP, port: 22 }]] : [],
    ),
    accelerator: "gce",
    commandLine,
    commandFile: "gcp.instance",
    exited,
    sendToConsole() {
      // Compute Engine takes console input only through its interactive serial console (SSH to
      // ssh-serialport.googleapis.com); the harness drives guests over SSH there instead.
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** The equivalent `gcloud compute instances create` command, for the cell folder and reruns. */
export function describeInstance(spec: InstanceSpec, zone: string): string[] {
  const labels = Object.entries(spec.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return [
    "gcloud",
    "compute",
    "instances",
    "create",
    spec.name,
    `--zone=${zone}`,
    `--machine-type=${spec.machineType}`,
    `--image=${spec.image}`,
    "--metadata=serial-port-enable=TRUE",
    `--labels=${labels}`,
  ];
}
