// Image references (`alpine`, `localhost:5000/a/b:t`, `x@sha256:…`) parsed and normalized as Docker does.
import { inputError } from "../../errors.ts";

/** A normalized image reference: registry host, repository path, and a tag and/or a digest. */
export interface ImageReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** The registry that names without a host refer to. */
export const DOCKER_HUB = "docker.io";

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST =
  /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d{1,5})?$/;
const EXAMPLES = "e.g. alpine, linuxkit/init:v1.0, localhost:5000/a/b:tag, name@sha256:<64 hex>";

/** Parses an image reference, filling in Docker Hub defaults; bad references are EIMAGEREF input errors. */
export function parseReference(text: string): ImageReference {
  const trimmed = text.trim();
  const at = trimmed.indexOf("@");
  const namePart = at === -1 ? trimmed : trimmed.slice(0, at);
  const digest = at === -1 ? undefined : trimmed.slice(at + 1);
  if (digest !== undefined && !DIGEST.test(digest)) {
    throw bad(text, `the digest "${digest}" is not sha256: followed by 64 lowercase hex digits`);
  }
  const lastSlash = namePart.lastIndexOf("/");
  const colon = namePart.lastIndexOf(":");
  const tag = colon > lastSlash ? namePart.slice(colon + 1) : undefined;
  const name = colon > lastSlash ? namePart.slice(0, colon) : namePart;
  if (tag !== undefined && !TAG.test(tag)) {
    throw bad(text, `the tag "${tag}" may hold only letters, digits, _ . - (at most 128)`);
  }
  const { registry, repository } = splitName(text, name);
  const ref: ImageReference = { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined) ref.tag = "latest";
  return ref;
}

/** The full normalized form, `registry/repository[:tag][@digest]`, used as the store's ref name. */
export function formatReference(ref: ImageReference): string {
  const tag = ref.tag === undefined ? "" : `:${ref.tag}`;
  const digest = ref.digest === undefined ? "" : `@${ref.digest}`;
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

/** Normalizes reference text to its full form (`alpine` → `docker.io/library/alpine:latest`). */
export function normalizeReference(text: string): string {
  return formatReference(parseReference(text));
}

function splitName(text: string, name: string): { registry: string; repository: string } {
  if (name === "") throw bad(text, "the repository name is empty");
  const slash = name.indexOf("/");
  const first = slash === -1 ? "" : name.slice(0, slash);
  const isHost = first.includes(".") || first.includes(":") || first === "localhost";
  if (isHost && !HOST.test(first)) throw bad(text, `"${first}" is not a valid registry host`);
  let registry = isHost ? first : DOCKER_HUB;
  if (registry === "index.docker.io" || registry === "registry-1.docker.io") registry = DOCKER_HUB;
  let repository = isHost ? name.slice(slash + 1) : name;
  if (registry === DOCKER_HUB && !repository.includes("/")) repository = `library/${repository}`;
  for (const component of repository.split("/")) {
    if (!COMPONENT.test(component)) {
      const why = /[A-Z]/.test(component) ? "must be lowercase" : "is not a valid path component";
      throw bad(text, `"${component}" in the repository "${repository}" ${why}`);
    }
  }
  if (`${registry}/${repository}`.length > 255) throw bad(text, "the name is longer than 255");
  return { registry, repository };
}

function bad(text: string, why: string) {
  return inputError("EIMAGEREF", `bad image reference "${text}": ${why}`, {
    hint: `Write the image as [registry/]repository[:tag][@sha256:digest], ${EXAMPLES}.`,
  });
}
