// Image cases: build the case's LinuxKit YAML, boot it on the cell's platform, drive it over the
// serial console (or SSH), read results from the results channel, stop the machine on every path.
import { join } from "node:path";
import { rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import type { Arch } from "../cases/types.ts";
import { HarnessError } from "../errors.ts";
import { findPlatform } from "../../platforms/index.ts";
import type { BootedMachine, Platform } from "../../platforms/types.ts";
import { FORMATS, type FormatSpec } from "../build/disk/formats.ts";
import { buildContext } from "../build/context.ts";
import { buildImage, type BuildRecord } from "../build/image/build.ts";
import { abortReason } from "./deadline.ts";
import { authorizedKeyYaml, driveOverSsh, runKeyPair } from "./ssh-drive.ts";
import { ConsoleWatcher } from "../drivers/serial/console.ts";
import { BANNER, CONTAINER_EXIT } from "../drivers/serial/patterns.ts";
import { applyAllowances } from "../drivers/serial/kernel-allow.ts";
import type { KernelAllow } from "../cases/types.ts";
import type { CellExecutor, DriveResult, MachineInfo } from "./executor.ts";

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
  const exits: string[] = [];
  let consoleEnded: Promise<unknown> = Promise.resolve();
  let key: { privateKeyPath: string; publicKey: string } | undefined;
  let disks: string[] = [];
  let kernelAllow: readonly KernelAllow[] = [];
  // Where the platform has no results channel, the init prefixes result lines on the console with this.
  const marker = randomBytes(6).toString("hex");

  return {
    async build(context) {
      const { cell } = context;
      const image = cell.testCase.files.image;
      if (!image)
        throw new HarnessError("ECASEFILE", `case ${cell.testCase.name} has no image YAML`, {
          exitCode: 2,
          hint: "add test.yml or set image: in case.yml",
        });
      const files = [image];
      if (cell.testCase.driver === "ssh") {
        key = await runKeyPair(join(context.cellDir, "..", "..", ".."));
        files.push(await authorizedKeyYaml(context.cellDir, key.publicKey));
      }
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
      kernelAllow = cell.testCase.kernelAllow ?? [];
      const dir = join(context.cellDir, "image");
      disks = await blankDisks(context.cellDir, cell.testCase.disks ?? []);
      const platform = platformOf(context);
      const format = diskFormat(platform);
      machine = await platform.boot({
        arch: cell.arch,
        image: {
          kernel: join(dir, "image-kernel"),
          initrd: join(dir, "image-initrd.img"),
          cmdline: `${build?.cmdline ?? ""} harness.marker=${marker}`.trim(),
          ...(format ? { disk: join(dir, `image${format.output}`) } : {}),
        },
        ...(key ? { sshPublicKey: key.publicKey } : {}),
        disks,
        ...(cell.testCase.results === "console" ? { resultsChannel: false } : {}),
        memoryMiB: cell.testCase.memoryMiB ?? 512,
        cpus: cell.testCase.cpus ?? 1,
        ...(cell.testCase.driver === "ssh" ? { forwardPorts: [22] } : {}),
        stateDir: context.cellDir,
        signal: context.signal,
      });
      const booted = machine;
      watcher = new ConsoleWatcher(
        booted.console,
        context.console,
        cell.testCase.timeouts.silenceMs ?? DEFAULT_SILENCE_MS,
      );
      booted.results?.on("data", (chunk: Buffer) => {
        watcher?.touch();
        // The first complete line is the guest's first result: the benchmark's time to first result.
        if (chunk.includes(0x0a)) watcher?.markResult();
        context.results.write(chunk.toString("utf8"), watcher?.elapsedMs());
      });
      consoleEnded = new Promise((resolve) => booted.console.once("close", resolve));
      if (!booted.results) {
        const prefix = `@@harness-results:${marker}@@ `;
        watcher.onLine((line) => {
          const at = line.indexOf(prefix);
          if (at < 0) return;
          watcher?.markResult();
          context.results.write(`${line.slice(at + prefix.length)}\n`, watcher?.elapsedMs());
        });
      }
      const watching = watcher;
      let stage = watching.stage;
      context.onStage?.(cell, stage);
      watching.onLine(() => {
        if (watching.stage === stage) return;
        stage = watching.stage;
        context.onStage?.(cell, stage);
      });
      watcher.onLine((line) => {
        const match = CONTAINER_EXIT.exec(line);
        if (match && match[3] !== "0")
          exits.push(`${match[1]} container ${match[2]} exited ${match[3]}`);
      });
      const timeoutMs =
        cell.testCase.timeouts.bootMs ?? defaultBootTimeoutMs(cell.arch, booted.accelerator);
      // A guest gone before its banner must not leave the banner's timer keeping the process alive.
      const raced = new AbortController();
      const signal = AbortSignal.any([context.signal, raced.signal]);
      try {
        await Promise.race([
          watcher.waitFor(BANNER, { timeoutMs, signal, what: "harness init banner" }),
          booted.exited.then((exit) => {
            throw new HarnessError(
              "EBOOT",
              `the guest stopped before its banner (${cell.platform} ${exit.signal ?? `exit ${exit.code}`})`,
              { hint: `console tail:\n${watcher?.tail(20) ?? ""}` },
            );
          }),
        ]);
      } finally {
        raced.abort();
      }
    },

    async drive(context): Promise<DriveResult> {
      const running = machine as BootedMachine;
      const console = watcher as ConsoleWatcher;
      if (context.cell.testCase.driver === "ssh") {
        const tap = await Promise.race([
          driveOverSsh(running, context.cell.testCase.sshSteps ?? [], {
            privateKeyPath: (key as { privateKeyPath: string }).privateKeyPath,
            user: "root",
            cellDir: context.cellDir,
            deadlineMs:
              context.cell.testCase.timeouts.bootMs ??
              defaultBootTimeoutMs(context.cell.arch, running.accelerator),
            signal: context.signal,
          }),
          console.failure.then((failure) => Promise.reject(failure)),
        ]);
        context.results.write(tap);
        return { failures: [...exits] };
      }
      const aborted = new Promise<never>((_, reject) => {
        if (context.signal.aborted) reject(abortReason(context.signal));
        context.signal.addEventListener("abort", () => reject(abortReason(context.signal)), {
          once: true,
        });
      });
      const exit = await Promise.race([
        running.exited,
        console.failure.then((failure) => Promise.reject(failure)),
        aborted,
      ]);
      // A panic just before the machine went away still decides the cell.
      // The last console lines (container exits, a panic) may still be in the pipe when qemu is gone.
      await Promise.race([
        consoleEnded,
        new Promise((resolve) => setTimeout(resolve, 1000).unref()),
      ]);
      if (console.fatalSeen) throw await console.failure;
      if (exit.code !== 0)
        throw new HarnessError(
          "EQEMU",
          `${context.cell.platform} ended with ${exit.signal ?? `exit code ${exit.code}`}`,
          {
            hint: `see ${context.cell.platform === "qemu" ? "qemu.stderr" : `${context.cell.platform}.log`} in the cell folder`,
          },
        );
      return { failures: [...exits] };
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
      return watcher ? applyAllowances(watcher.kernelFindings, kernelAllow) : [];
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
        commandFile: machine.commandFile ?? "qemu.cmdline",
      };
    },
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
