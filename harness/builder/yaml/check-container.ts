// Checks on one container's own fields that LinuxKit (or runc, at boot) would reject later:
// its name, image, capabilities, rlimits, namespaces and propagation.
import type { HarnessError } from "../../errors.ts";
import { choicesHint } from "../../util/suggest.ts";
import { CAPABILITIES, NAMESPACE_WORDS, PROPAGATIONS, RLIMITS } from "./linux-names.ts";
import { problem, type CheckContext } from "./problem.ts";
import { imageProblem } from "./check-names.ts";
import type { ContainerSpec } from "./types.ts";

const CODE = "EIMAGECONTAINER";
// containerd's identifier rule: the name becomes the container's id and its folder name.
const CONTAINER_NAME = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

/** Problems with one container's own fields. */
export function checkContainer(context: CheckContext, container: ContainerSpec): HarnessError[] {
  return [
    ...checkName(context, container),
    ...imageProblem(context, container, ["image"], container.image),
    ...checkCapabilities(context, container, "capabilities"),
    ...checkCapabilities(context, container, "capabilities.add"),
    ...checkCapabilities(context, container, "ambient"),
    ...checkRlimits(context, container),
    ...checkNamespaces(context, container),
    ...checkPropagation(context, container),
  ];
}

function checkName(context: CheckContext, container: ContainerSpec): HarnessError[] {
  if (CONTAINER_NAME.test(container.name)) return [];
  return [
    problem(
      context,
      container,
      ["name"],
      CODE,
      (where) => `${where} is ${JSON.stringify(container.name)}, not a usable container name`,
      "use letters, digits and single . _ - between them, e.g. name: my-service",
    ),
  ];
}

function checkCapabilities(
  context: CheckContext,
  container: ContainerSpec,
  field: "capabilities" | "capabilities.add" | "ambient",
): HarnessError[] {
  const list = container[field] ?? [];
  // A single "all" or "none" (any case) stands for every capability or none.
  if (list.length === 1 && ["all", "none"].includes(list[0]?.toLowerCase() ?? "")) return [];
  return list.flatMap((capability, index) =>
    CAPABILITIES.includes(capability)
      ? []
      : [
          problem(
            context,
            container,
            [field, index],
            CODE,
            (where) => `${where} is "${capability}", not a capability LinuxKit knows`,
            capabilityHint(capability),
          ),
        ],
  );
}

function capabilityHint(capability: string): string {
  const spelled = `CAP_${capability.toUpperCase().replace(/^CAP_/, "")}`;
  if (CAPABILITIES.includes(spelled)) return `write it as "${spelled}"`;
  if (["all", "none"].includes(capability.toLowerCase()))
    return `"${capability}" only works as the list's single entry`;
  return choicesHint(capability, CAPABILITIES);
}

function checkRlimits(context: CheckContext, container: ContainerSpec): HarnessError[] {
  return (container.rlimits ?? []).flatMap((rlimit, index) => {
    const reason = rlimitProblem(rlimit);
    if (!reason) return [];
    return [
      problem(
        context,
        container,
        ["rlimits", index],
        CODE,
        (where) => `${where} is "${rlimit}": ${reason}`,
        'write "name,soft,hard", e.g. "nofile,1024,4096"; soft and hard may be "unlimited"',
      ),
    ];
  });
}

function rlimitProblem(rlimit: string): string | undefined {
  const parts = rlimit.split(",").map((part) => part.trim());
  if (parts.length !== 3) return "it needs three comma-separated parts";
  const [name = "", soft = "", hard = ""] = parts;
  const upper = name.toUpperCase();
  const full = upper.startsWith("RLIMIT_") ? upper : `RLIMIT_${upper}`;
  if (!RLIMITS.includes(full)) return `"${name}" is not a resource limit`;
  const bad = [soft, hard].find(
    (value) => !/^\d+$/.test(value) && value.toLowerCase() !== "unlimited",
  );
  return bad === undefined ? undefined : `"${bad}" is neither a whole number nor "unlimited"`;
}

function checkNamespaces(context: CheckContext, container: ContainerSpec): HarnessError[] {
  return Object.entries(NAMESPACE_WORDS).flatMap(([field, words]) => {
    const value = container[field as keyof typeof NAMESPACE_WORDS];
    if (value === undefined || value === "" || value.startsWith("/")) return [];
    if ((words as readonly string[]).includes(value)) return [];
    return [
      problem(
        context,
        container,
        [field],
        CODE,
        (where) => `${where} is "${value}", neither ${words.join(", ")} nor an absolute path`,
        `${choicesHint(value, words)}; or give the path of a namespace to join, e.g. /run/netns/wg`,
      ),
    ];
  });
}

function checkPropagation(context: CheckContext, container: ContainerSpec): HarnessError[] {
  const value = container.rootfsPropagation;
  if (value === undefined || value === "" || PROPAGATIONS.includes(value)) return [];
  return [
    problem(
      context,
      container,
      ["rootfsPropagation"],
      CODE,
      (where) => `${where} is "${value}", not a mount propagation mode`,
      choicesHint(value, PROPAGATIONS),
    ),
  ];
}
