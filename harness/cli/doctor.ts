// harness doctor: what works on this host, and for what does not, why and how to fix it.
import { access, constants } from "node:fs/promises";
import { execa } from "execa";
import { buildContext, REPO_ROOT } from "../builder/context.ts";
import { bundleDir, freshManifest, standingFailure } from "./bundle/manifest.ts";
import { isInstalledCopy } from "../util/cache-home.ts";
import { PLATFORMS } from "../../platforms/index.ts";
import { EXIT } from "../errors.ts";
import type { Command } from "../util/command.ts";

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  required: boolean;
}

async function commandCheck(
  name: string,
  args: string[],
  fix: string,
  required = true,
): Promise<Check> {
  const result = await execa(name, args, { reject: false, timeout: 10_000 });
  const output = `${result.stdout}\n${result.stderr}`.trim().split("\n")[0] ?? "";
  return result.exitCode === 0
    ? { name, ok: true, detail: output, required }
    : { name, ok: false, detail: "not found or not working", fix, required };
}

async function hostChecks(): Promise<Check[]> {
  const major = Number(process.versions.node.split(".")[0]);
  const checks: Check[] = [
    {
      name: "node",
      ok: major >= 22,
      detail: process.version,
      fix: "install Node >= 22.18",
      required: true,
    },
    await commandCheck("git", ["--version"], "apt-get install git"),
    await commandCheck("ssh", ["-V"], "apt-get install openssh-client"),
    await commandCheck("depmod", ["--version"], "apt-get install kmod"),
  ];
  const foreign = await execa("dpkg", ["--print-foreign-architectures"], { reject: false });
  checks.push({
    name: "dpkg arm64",
    ok: foreign.exitCode === 0 && /arm64|amd64/.test(foreign.stdout),
    detail: foreign.stdout.trim().replace(/\n/g, " ") || "no foreign architecture",
    fix: "dpkg --add-architecture arm64 && apt-get update (./setup does this)",
    required: false,
  });
  const kvm = await access("/dev/kvm", constants.R_OK | constants.W_OK).then(
    () => "present (whether KVM really works is probed by booting a guest)",
    () => "absent: guests run under TCG",
  );
  checks.push({ name: "/dev/kvm", ok: true, detail: kvm, required: false });
  checks.push(bundleCheck());
  return checks;
}

// Whether commands start from the CLI's bundle, and if its build failed, why.
function bundleCheck(): Check {
  const name = "cli bundle";
  if (isInstalledCopy(REPO_ROOT))
    return { name, ok: true, detail: "prebuilt (the installed package's dist/)", required: false };
  if (process.env.HARNESS_BUNDLE === "0")
    return { name, ok: true, detail: "off (HARNESS_BUNDLE=0): the sources run", required: false };
  const dir = bundleDir(REPO_ROOT);
  const fresh = freshManifest(REPO_ROOT, dir);
  if (fresh)
    return {
      name,
      ok: true,
      detail: `in use, built from ${Object.keys(fresh.inputs).length} files (${dir})`,
      required: false,
    };
  const failure = standingFailure(REPO_ROOT, dir);
  if (failure)
    return {
      name,
      ok: false,
      detail: `build failed at ${new Date(failure.atMs).toISOString()}: ${failure.reason}; the sources run (slower start)`,
      fix: "npm ci (esbuild is one of the packages), or edit a source to try again; HARNESS_BUNDLE=0 turns it off",
      required: false,
    };
  return { name, ok: true, detail: "out of date: the next command rebuilds it", required: false };
}

/** `harness doctor`. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "Show what works on this host, and why not",
  usage: "harness doctor [--json]",
  flags: [{ name: "json", type: "boolean", description: "print JSON" }],
  async run(args, io) {
    const checks = await hostChecks();
    for (const platform of PLATFORMS) {
      const probe = await platform.probe({
        signal: io.signal,
        cacheDir: buildContext(io.env).cacheDir,
        env: io.env,
      });
      checks.push({
        name: `platform ${platform.name}`,
        ok: probe.available,
        detail: [`arches: ${probe.arches.join(", ") || "none"}`, ...probe.details].join("; "),
        ...(probe.reason ? { fix: probe.reason } : {}),
        required: false,
      });
    }
    if (args.bool("json")) io.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
    else for (const check of checks) io.stdout.write(formatCheck(check));
    return checks.some((c) => c.required && !c.ok) ? EXIT.infrastructure : EXIT.ok;
  },
};

function formatCheck(check: Check): string {
  const mark = check.ok ? "ok  " : check.required ? "FAIL" : "warn";
  const fix = !check.ok && check.fix ? `\n      fix: ${check.fix}` : "";
  return `${mark}  ${check.name.padEnd(18)} ${check.detail}${fix}\n`;
}
