// Checks on what a container mounts: tmpfs, binds, full mounts, devices, and the volumes they use.
// A bind or bind mount whose source is not an absolute path names a volume (LinuxKit's rule).
import type { HarnessError } from "../../errors.ts";
import { choicesHint } from "../../util/suggest.ts";
import { DEFAULT_MOUNTPOINTS } from "./linux-names.ts";
import { isComplete, problem, type CheckContext } from "./problem.ts";
import type { ContainerSpec, MountSpec, VolumeSpec } from "./types.ts";

const CODE = "EIMAGEMOUNT";

/** Problems with one container's tmpfs, binds, mounts and devices. */
export function checkMounts(
  context: CheckContext,
  container: ContainerSpec,
  volumes: ReadonlyMap<string, VolumeSpec>,
): HarnessError[] {
  return [
    ...checkTmpfs(context, container),
    ...checkBinds(context, container, "binds", volumes),
    ...checkBinds(context, container, "binds.add", volumes),
    ...(container.mounts ?? []).flatMap((mount, index) =>
      checkMount(context, container, mount, index, volumes),
    ),
    ...checkDevices(context, container),
  ];
}

function checkTmpfs(context: CheckContext, container: ContainerSpec): HarnessError[] {
  return (container.tmpfs ?? []).flatMap((tmpfs, index) =>
    tmpfs.split(":").length <= 2
      ? []
      : [
          problem(
            context,
            container,
            ["tmpfs", index],
            CODE,
            (where) => `${where} is "${tmpfs}": too many ':'`,
            'write "/dest" or "/dest:opt1,opt2", e.g. "/tmp:size=64m"',
          ),
        ],
  );
}

function checkBinds(
  context: CheckContext,
  container: ContainerSpec,
  field: "binds" | "binds.add",
  volumes: ReadonlyMap<string, VolumeSpec>,
): HarnessError[] {
  return (container[field] ?? []).flatMap((bind, index) => {
    const parts = bind.split(":");
    const fail = (reason: string, hint: string) => [
      problem(
        context,
        container,
        [field, index],
        CODE,
        (w) => `${w} is "${bind}": ${reason}`,
        hint,
      ),
    ];
    if (parts.length < 2) return fail("missing ':'", 'write "/src:/dest" or "/src:/dest:opts"');
    if (parts.length > 3) return fail("too many ':'", 'write "/src:/dest" or "/src:/dest:opts"');
    const [source = ""] = parts;
    if (source.startsWith("/")) return [];
    const reason = volumeProblem(context, source, parts[2] === "ro", volumes);
    return reason ? fail(reason, volumeHint(source, volumes)) : [];
  });
}

function checkMount(
  context: CheckContext,
  container: ContainerSpec,
  mount: MountSpec,
  index: number,
  volumes: ReadonlyMap<string, VolumeSpec>,
): HarnessError[] {
  const fail = (reason: string, hint: string) => [
    problem(context, container, ["mounts", index], CODE, (w) => `${w} ${reason}`, hint),
  ];
  const source = mount.source ?? "";
  const type = mount.type || inferredType(source, mount.destination ?? "");
  if (!type) {
    const from = source ? `, and source "${source}" does not imply one` : "";
    return fail(`has no type${from}`, "add type:, e.g. type: bind, tmpfs or proc");
  }
  if (!mount.destination && !DEFAULT_MOUNTPOINTS[type])
    return fail(`(type ${type}) has no destination`, "add destination:, an absolute path");
  if (mount.type !== "bind" || source.startsWith("/")) return [];
  const reason = volumeProblem(context, source, firstAccessOption(mount) === "ro", volumes);
  return reason ? fail(`source ${reason}`, volumeHint(source, volumes)) : [];
}

function inferredType(source: string, destination: string): string {
  if (DEFAULT_MOUNTPOINTS[source]) return source;
  return destination === "/dev" ? "tmpfs" : "";
}

// The first of rw/ro in the options decides, as in LinuxKit.
function firstAccessOption(mount: MountSpec): string | undefined {
  return (mount.options ?? []).find((option) => option === "rw" || option === "ro");
}

function volumeProblem(
  context: CheckContext,
  name: string,
  readOnlyUse: boolean,
  volumes: ReadonlyMap<string, VolumeSpec>,
): string | undefined {
  const volume = volumes.get(name);
  if (!volume) {
    if (!isComplete(context, "volumes")) return undefined;
    return `"${name}" is neither an absolute path nor a volume in volumes:`;
  }
  if (volume.readonly && !readOnlyUse) {
    return `volume "${name}" is read-only but is mounted read-write`;
  }
  return undefined;
}

function volumeHint(name: string, volumes: ReadonlyMap<string, VolumeSpec>): string {
  const volume = volumes.get(name);
  if (volume?.readonly) return `mount it read-only (":ro" on a bind, "ro" in mount options)`;
  const names = [...volumes.keys()];
  const known = names.length > 0 ? choicesHint(name, names) : "no volumes are declared";
  return `start host paths with "/", or declare the volume; ${known}`;
}

function checkDevices(context: CheckContext, container: ContainerSpec): HarnessError[] {
  return (container.devices ?? []).flatMap((device, index) => {
    if (device.path === "all" || /^[0-7]+$/.test(device.mode ?? "")) return [];
    return [
      problem(
        context,
        container,
        ["devices", index, "mode"],
        CODE,
        (where) =>
          device.mode === undefined
            ? `${where} is missing for device ${device.path ?? "(no path)"}`
            : `${where} is "${device.mode}", not an octal number`,
        'give the device node\'s mode as a quoted octal string, e.g. mode: "0666"',
      ),
    ];
  });
}
