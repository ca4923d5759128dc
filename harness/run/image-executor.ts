// Image cases: build the case's LinuxKit YAML, boot it on the cell's platform, let the case's
// driver (harness/drivers/) drive it to its results, stop the machine on every path.
import { join } from "node:path";
import { rm, writeFile } from "node:fs/promises";
import { execa } from "execa";
import type { Arch } from "../arch.ts";
import { HarnessError, inputError } from "../errors.ts";
import { findPlatform } from "../../platforms/index.ts";
import type { BootedMachine, Platform } from "../../platforms/types.ts";
import { FORMATS, type FormatSpec } from "../builder/disk/formats.ts";
import { buildContext } from "../builder/context.ts";
import { buildImage, type BuildRecord } from "../builder/image/build.ts";
import { ConsoleWatcher } from "../drivers/serial/console.ts";
import { applyAllowances } from "../results/kernel-allow.ts";
import { findDriver } from "../drivers/index.ts";
import type { DriverContext, DriverSession } from "../drivers/types.ts";
import type { KernelAllow } from "../cases/types.ts";
import type { AttemptContext, CellExecutor, DriveResult, MachineInfo } from "./executor.ts";

const MINUTE = 60_000;

/** How long a guest may take to print the banner, by arch and accelerator. */
export function defaultBootTimeoutMs(arch: Arch, accelerator: string): number {
  if (accelerator === "kvm") return MINUTE;
  return arch === "aarch64" ? 3 * MINUTE : 2 * MINUTE;
}

/** How long the console and results channel may both stay quiet before the cell is an error. */
export const DEFAULT_SILENCE_MS = 2 * MINUTE;

/** A fresh executor for one attempt at an image cell. */
export function imageExecutor(): CellExecutor {
  let build: BuildRecord | undefined;
  let machine: BootedMachine | undefined;
  let watcher: ConsoleWatcher | undefined;
  let session: DriverSession | undefined;
  let disks: string[] = [];
  let kernelAllow: readonly KernelAllow[] = [];

  return {
    async build(context) {
      const { cell } = context;
      const image = cell.testCase.files.image;
      if (!image)
        throw new HarnessError("ECASEFILE", `case ${cell.testCase.name} has no image YAML`, {
          exitCode: 2,
          hint: "add test.yml or set image: in case.yml",
        });
      const driver = findDriver(cell.testCase.driver);
      const unsupported = driver.unsupported?.(cell.testCase, platformOf(context));
      if (unsupported)
        throw inputError("EDRIVER", unsupported, {
          at: { file: cell.testCase.files.caseFile ?? cell.testCase.dir },
          hint: `exclude platform ${cell.platform} in case.yml, or drive the case another way`,
        });
      session = driver.session(cell.testCase);
      const files = [image, ...(await session.imageFiles(driverContext(context)))];
      const format = diskFormat(platformOf(context));
      build = await buildImage({
        files,
        arch: cell.arch,
        kernel: cell.kernelSpec ?? cell.kernel,
        outDir: join(context.cellDir, "image"),
        name: "image",
        ...(format ? { formats: [format.name] } : {}),
        ...buildContext(process.env),
        pull: true,
        signal: context.signal,
      });
      await writeFile(join(context.cellDir, "build.log"), `${JSON.stringify(build, null, 2)}\n`);
    },

    async boot(context) {
      const { cell } = context;
      const driving = session as DriverSession;
      kernelAllow = cell.testCase.kernelAllow ?? [];
      const dir = join(context.cellDir, "image");
      disks = await blankDisks(context.cellDir, cell.testCase.disks ?? []);
      const platform = platformOf(context);
      const format = diskFormat(platform);
      const ask = driving.bootAsk(driverContext(context));
      machine = await platform.boot({
        arch: cell.arch,
        image: {
          kernel: join(dir, "image-kernel"),
          initrd: join(dir, "image-initrd.img"),
          cmdline: `${build?.cmdline ?? ""} ${ask.cmdline ?? ""}`.trim(),
          ...(format ? { disk: join(dir, `image${format.output}`) } : {}),
        },
        ...(ask.sshPublicKey ? { sshPublicKey: ask.sshPublicKey } : {}),
        disks,
        ...(ask.resultsChannel === false ? { resultsChannel: false } : {}),
        memoryMiB: cell.testCase.memoryMiB ?? 512,
        cpus: cell.testCase.cpus ?? 1,
        ...(ask.forwardPorts ? { forwardPorts: ask.forwardPorts } : {}),
        stateDir: context.cellDir,
        cacheDir: buildContext(process.env).cacheDir,
        env: process.env,
        signal: context.signal,
      });
      watcher = new ConsoleWatcher(
        machine.console,
        context.console,
        cell.testCase.timeouts.silenceMs ?? DEFAULT_SILENCE_MS,
      );
      const watching = watcher;
      let stage = watching.stage;
      context.onStage?.(cell, stage);
      watching.onLine(() => {
        if (watching.stage === stage) return;
        stage = watching.stage;
        context.onStage?.(cell, stage);
      });
      await driving.ready(machine, watching, driverContext(context, machine.accelerator));
    },

    async drive(context): Promise<DriveResult> {
      const running = machine as BootedMachine;
      const driving = session as DriverSession;
      const outcome = await driving.drive(
        running,
        watcher as ConsoleWatcher,
        driverContext(context, running.accelerator),
      );
      return {
        failures: outcome.failures,
        ...(outcome.resultsRequired === undefined
          ? {}
          : { resultsRequired: outcome.resultsRequired }),
      };
    },

    async teardown() {
      // The machine first: stopping it drains the console, so its last line is read on close().
      try {
        await machine?.stop();
      } finally {
        watcher?.close();
      }
      for (const disk of disks) await rm(disk, { force: true });
    },

    kernelFindings() {
      if (!watcher) return [];
      const findings = applyAllowances(watcher.kernelFindings, kernelAllow);
      return session?.ownFindings ? session.ownFindings(findings) : findings;
    },

    machineInfo(): MachineInfo | undefined {
      if (!machine) return undefined;
      return {
        accelerator: machine.accelerator,
        ...(machine.runner ? { runner: machine.runner } : {}),
        ...(build
          ? {
              kernel: {
                package: build.kernel.package,
                version: build.kernel.version,
                release: build.kernel.release,
                ...(build.kernel.source ? { source: build.kernel.source } : {}),
                sha256: build.sha256.kernel,
              },
              imageDigest: `sha256:${build.sha256.initrd}`,
            }
          : {}),
        ...(watcher ? { stagesMs: { ...watcher.stageTimesMs } } : {}),
        ...(machine.commandFile ? { commandFile: machine.commandFile } : {}),
      };
    },
  };
}

// What the driver sees of the attempt; the boot deadline is known once the accelerator is.
function driverContext(context: AttemptContext, accelerator = "tcg"): DriverContext {
  const { cell } = context;
  return {
    testCase: cell.testCase,
    arch: cell.arch,
    platform: cell.platform,
    cellDir: context.cellDir,
    runDir: join(context.cellDir, "..", "..", ".."),
    signal: context.signal,
    results: context.results,
    bootTimeoutMs: cell.testCase.timeouts.bootMs ?? defaultBootTimeoutMs(cell.arch, accelerator),
  };
}

function platformOf(context: {
  cell: { platform: string };
  platforms?: readonly Platform[];
}): Platform {
  const name = context.cell.platform;
  return context.platforms?.find((p) => p.name === name) ?? findPlatform(name);
}

// Platforms that cannot boot kernel+initrd directly (a cloud) get the disk format they take.
function diskFormat(platform: Platform): FormatSpec | undefined {
  if (platform.formats.includes("kernel+initrd")) return undefined;
  return FORMATS.find((f) => f.name === platform.formats[0]);
}

// Sparse files, so a "20G" disk costs nothing until the guest writes to it.
async function blankDisks(cellDir: string, sizes: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const [index, size] of sizes.entries()) {
    const file = join(cellDir, `disk${index}.raw`);
    await execa("truncate", ["-s", size, file]);
    files.push(file);
  }
  return files;
}
