// Checks across the composed image: unique service and volume names, image references, and
// uid/gid names that must name a container (LinuxKit gives each container an id by name).
import { inputError, formatLocation, type HarnessError } from "../../errors.ts";
import { choicesHint } from "../../util/suggest.ts";
import type { DocumentPath } from "../../util/schema.ts";
import { referenceProblem } from "./reference.ts";
import { isComplete, problem, type CheckContext } from "./problem.ts";
import type { ContainerSpec, IdRef, ImageConfig } from "./types.ts";

const VOLUME_NAME = /^[a-z0-9_-]*$/;

/** A problem with the image reference at `subpath` of `entry`, if it has one. */
export function imageProblem(
  context: CheckContext,
  entry: object,
  subpath: DocumentPath,
  reference: string,
): HarnessError[] {
  const reason = referenceProblem(reference);
  if (!reason) return [];
  const message = (where: string) => `${where} is "${reference}", which ${reason}`;
  return [problem(context, entry, subpath, "EIMAGEREF", message, referenceHint(reference))];
}

function referenceHint(reference: string): string {
  return /[A-Z]/.test(reference.split(/[:@]/)[0] ?? "")
    ? "repository names are lower case, e.g. linuxkit/init:<tag>"
    : 'write "[registry/]repository[:tag][@sha256:digest]", or "@pkg:<folder>"';
}

/** Kernel, init and volume image references. */
export function checkReferences(context: CheckContext, config: ImageConfig): HarnessError[] {
  const kernel = config.kernel;
  const kernelReason = kernel.image ? referenceProblem(kernel.image) : undefined;
  return [
    ...(kernelReason
      ? [
          inputError("EIMAGEREF", `kernel.image is "${kernel.image}", which ${kernelReason}`, {
            ...(kernel.at.image ? { at: kernel.at.image } : {}),
            hint: referenceHint(kernel.image ?? ""),
          }),
        ]
      : []),
    ...config.init.flatMap((init) => imageProblem(context, init, [], init.image)),
    ...config.volumes.flatMap((volume) =>
      volume.image === undefined ? [] : imageProblem(context, volume, ["image"], volume.image),
    ),
  ];
}

/** Services must have unique names: they run side by side under containerd. */
export function checkServiceNames(context: CheckContext, config: ImageConfig): HarnessError[] {
  return duplicates(config.services, (service) => service.name).map(([first, again]) =>
    problem(
      context,
      again,
      ["name"],
      "EIMAGENAME",
      (where) => `${where}: a second service named "${again.name}"`,
      `the first is at ${formatLocation(context.origins.locate(first, ["name"]))}; rename one`,
    ),
  );
}

/** Volume names must be unique and made of a-z, 0-9, _ and -. */
export function checkVolumeNames(context: CheckContext, config: ImageConfig): HarnessError[] {
  const badNames = config.volumes
    .filter((volume) => !VOLUME_NAME.test(volume.name))
    .map((volume) =>
      problem(
        context,
        volume,
        ["name"],
        "EIMAGEVOLUME",
        (where) => `${where} is "${volume.name}", not a valid volume name`,
        "use only lower-case letters, digits, '-' and '_'",
      ),
    );
  const repeated = duplicates(config.volumes, (volume) => volume.name).map(([first, again]) =>
    problem(
      context,
      again,
      ["name"],
      "EIMAGEVOLUME",
      (where) => `${where}: a second volume named "${again.name}"`,
      `the first is at ${formatLocation(context.origins.locate(first, ["name"]))}; rename one`,
    ),
  );
  return [...badNames, ...repeated];
}

/** uid, gid and additionalGids given as names must name a container (or be "root"). */
export function checkIdNames(context: CheckContext, config: ImageConfig): HarnessError[] {
  const containers = [...config.onboot, ...config.onshutdown, ...config.services];
  const sections = ["onboot", "onshutdown", "services"];
  if (!sections.every((section) => isComplete(context, section))) return [];
  const names = [...new Set(containers.map((container) => container.name))];
  const check = (entry: object, subpath: DocumentPath, id: IdRef | undefined) =>
    typeof id !== "string" || id === "" || id === "root" || names.includes(id)
      ? []
      : [
          problem(
            context,
            entry,
            subpath,
            "EIMAGEID",
            (where) => `${where} is "${id}", which names no container`,
            /^\d+$/.test(id)
              ? `write the number without quotes: ${id}`
              : `give a number, "root", or a container's name; ${choicesHint(id, names)}`,
          ),
        ];
  return [
    ...containers.flatMap((container) => containerIds(container, check)),
    ...config.files.flatMap((file) => [
      ...check(file, ["uid"], file.uid),
      ...check(file, ["gid"], file.gid),
    ]),
  ];
}

function containerIds(
  container: ContainerSpec,
  check: (entry: object, subpath: DocumentPath, id: IdRef | undefined) => HarnessError[],
): HarnessError[] {
  return [
    ...check(container, ["uid"], container.uid),
    ...check(container, ["gid"], container.gid),
    ...(container.additionalGids ?? []).flatMap((gid, index) =>
      check(container, ["additionalGids", index], gid),
    ),
  ];
}

// Pairs of (first entry, later entry with the same key).
function duplicates<T>(entries: readonly T[], key: (entry: T) => string): [T, T][] {
  const seen = new Map<string, T>();
  const pairs: [T, T][] = [];
  for (const entry of entries) {
    const first = seen.get(key(entry));
    if (first) pairs.push([first, entry]);
    else seen.set(key(entry), entry);
  }
  return pairs;
}
