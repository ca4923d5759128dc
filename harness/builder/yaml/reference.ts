// Image references (`alpine:3.20`, `linuxkit/init:<hash>`, `host:5000/a/b@sha256:…`), checked by
// the grammar registries use, so a typo fails here rather than as a pull error mid-build.

const component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const domainPart = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const host = `(?:${domainPart}(?:\\.${domainPart})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const name = `(?:${host}/)?${component}(?:/${component})*`;
const REFERENCE = new RegExp(`^(${name})(?::${tag})?(?:@${digest})?$`);

/** LinuxKit replaces `@pkg:<dir>` with the tag of the package built from that folder. */
export const PACKAGE_TEMPLATE = "@pkg:";

/** Why `reference` is not a usable image reference, or undefined when it is. */
export function referenceProblem(reference: string): string | undefined {
  if (reference.startsWith(PACKAGE_TEMPLATE)) {
    return reference.length > PACKAGE_TEMPLATE.length ? undefined : "names no package folder";
  }
  if (reference === "") return "is empty";
  if (/\s/.test(reference)) return "contains white space";
  const match = REFERENCE.exec(reference);
  if (!match) return "is not a valid image reference";
  if ((match[1] ?? "").length > 255) return "has a name longer than 255 characters";
  return undefined;
}
