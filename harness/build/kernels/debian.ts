// Debian kernel packages by matrix name: resolved with the private apt, fetched, verified, unpacked once.
import { mkdir, readdir, rename, rm, stat, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { execa } from "execa";
import type { Arch } from "../../cases/types.ts";
import { HarnessError } from "../../errors.ts";
import { withFileLock } from "../../util/file-lock.ts";
import { KERNELS, kernelNames, type KernelEntry } from "../../matrix/kernels.ts";
import { choicesHint } from "../../util/suggest.ts";
import { aptDownload, aptShow, privateApt } from "./apt.ts";

const DEBIAN_ARCH: Record<Arch, string> = { x86_64: "amd64", aarch64: "arm64" };

/** A kernel unpacked in the cache, with the exact package version it came from. */
export interface FetchedKernel {
  name: string;
  arch: Arch;
  package: string;
  version: string;
  /** What `uname -r` prints in the guest. */
  release: string;
  vmlinuz: string;
  /** lib/modules/<release> of the unpacked package; "" for a kernel without modules. */
  modulesDir: string;
  debSha256: string;
}

/** Splits "debian-6.12@6.12.95-1~bpo12+1" into a catalogue entry and an optional version pin. */
export function parseKernelSpec(spec: string): { entry: KernelEntry; pin?: string } {
  const [name = "", pin] = spec.split("@");
  const entry = KERNELS.find((k) => k.name === name);
  if (!entry) {
    throw new HarnessError("EKERNELNOTFOUND", `unknown kernel ${JSON.stringify(name)}`, {
      exitCode: 2,
      hint: `${choicesHint(name, kernelNames())}; \`harness kernels\` lists them`,
    });
  }
  return pin ? { entry, pin } : { entry };
}

/** Fetches (or finds in the cache) the kernel `spec` for `arch`. */
export async function fetchDebianKernel(
  spec: string,
  arch: Arch,
  cacheDir: string,
  signal?: AbortSignal,
): Promise<FetchedKernel> {
  const { entry, pin } = parseKernelSpec(spec);
  const metapackage = entry.packages[arch];
  if (!metapackage)
    throw new HarnessError("EKERNELNOTFOUND", `${entry.name} has no ${arch} build`, {
      exitCode: 2,
    });
  const apt = await privateApt(cacheDir, signal);
  const debArch = DEBIAN_ARCH[arch];
  const image = await resolveImagePackage(apt, `${metapackage}:${debArch}`, entry, pin, signal);
  const dir = join(
    cacheDir,
    "kernels",
    `${image.name}_${image.version}_${debArch}`.replace(/[^A-Za-z0-9._+-]/g, "_"),
  );
  await withFileLock(dir, async () => {
    if (await stat(join(dir, "kernel.json")).catch(() => undefined)) return;
    await unpackKernel(apt, `${image.name}:${debArch}=${image.version}`, dir, signal);
  });
  const meta = JSON.parse(await readFile(join(dir, "kernel.json"), "utf8")) as {
    release: string;
    debSha256: string;
  };
  return {
    name: entry.name,
    arch,
    package: image.name,
    version: image.version,
    release: meta.release,
    vmlinuz: join(dir, "boot", `vmlinuz-${meta.release}`),
    modulesDir: join(dir, "lib", "modules", meta.release),
    debSha256: meta.debSha256,
  };
}

async function resolveImagePackage(
  apt: Awaited<ReturnType<typeof privateApt>>,
  metapackage: string,
  entry: KernelEntry,
  pin: string | undefined,
  signal?: AbortSignal,
): Promise<{ name: string; version: string }> {
  const records = await aptShow(apt, metapackage, signal).catch(() => []);
  const series = new RegExp(`^${entry.series.replace(".", "\\.")}\\.`);
  const candidates = records
    .filter((r) => series.test(r.Version ?? ""))
    .map((r) => ({
      version: r.Version ?? "",
      depends: /linux-image-[^\s,(]+/.exec(r.Depends ?? "")?.[0],
    }))
    .filter((c): c is { version: string; depends: string } => c.depends !== undefined);
  const chosen = pin ? candidates.find((c) => c.version === pin) : candidates[0];
  if (!chosen) {
    const have = candidates.map((c) => c.version).join(", ") || "none";
    throw new HarnessError(
      "EKERNELNOTFOUND",
      `no ${metapackage} ${pin ?? entry.series + ".x"} in Debian's indexes (have: ${have})`,
      {
        exitCode: 2,
        hint: pin
          ? `pin one of the versions listed, e.g. ${entry.name}@${candidates[0]?.version ?? "VERSION"}`
          : "run `harness kernels` to see what exists",
      },
    );
  }
  return { name: chosen.depends, version: chosen.version };
}

async function unpackKernel(
  apt: Awaited<ReturnType<typeof privateApt>>,
  spec: string,
  dir: string,
  signal?: AbortSignal,
): Promise<void> {
  const work = `${dir}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  const [deb] = await aptDownload(apt, [spec], join(work, "deb"), signal);
  if (!deb) throw new HarnessError("EAPT", `apt-get download ${spec} produced no .deb`);
  await execa("dpkg-deb", ["-x", deb, work], signal ? { cancelSignal: signal } : {});
  const vmlinuz = (await readdir(join(work, "boot"))).find((f) => f.startsWith("vmlinuz-"));
  if (!vmlinuz) throw new HarnessError("EKERNELPACKAGE", `${spec} holds no /boot/vmlinuz-*`);
  // The package's postinst would index the modules; unpacked by hand, we do it here.
  await execa("depmod", ["-b", work, vmlinuz.slice("vmlinuz-".length)]);
  const debSha256 = createHash("sha256")
    .update(await readFile(deb))
    .digest("hex");
  await rm(join(work, "deb"), { recursive: true, force: true });
  await writeFile(
    join(work, "kernel.json"),
    JSON.stringify({ release: vmlinuz.slice("vmlinuz-".length), debSha256 }),
  );
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, ".."), { recursive: true });
  await rename(work, dir);
}
