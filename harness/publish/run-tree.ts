// What of a run directory goes into the logs repository, and in what form: every log and record,
// redacted, large files gzipped, the run's SSH keys and temporary files left out.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { redactBytes, type Redact } from "../util/redact.ts";

/** One file of the published tree. */
export interface TreeFile {
  /** Path inside the run, "/"-separated. */
  path: string;
  data: Buffer;
}

/** The published tree of one run. */
export interface RunTree {
  files: TreeFile[];
  /** Paths that were gzipped (their published name ends in .gz). */
  gzipped: string[];
  /** Files left out, with why. */
  omitted: string[];
}

/** Files above this size are stored gzipped unless the config says otherwise. */
export const DEFAULT_GZIP_ABOVE_BYTES = 1024 * 1024;
/** git hosts refuse single files past 100 MB; stay clear of it. */
const MAX_FILE_BYTES = 95 * 1024 * 1024;
/** Top-level folders never published: the run's SSH key pair. */
const PRIVATE_DIRS = new Set(["ssh"]);
const TEMPORARY = /(^\.|\.tmp$|\.lock$)/;

/** The run's tree with `runJson` in place of run.json; every byte goes through `redact`. */
export async function runTree(
  runDir: string,
  runJson: string,
  options: { redact: Redact; gzipAboveBytes: number },
): Promise<RunTree> {
  const tree: RunTree = { files: [], gzipped: [], omitted: [] };
  for (const path of await listFiles(runDir, "")) {
    const raw = path === "run.json" ? Buffer.from(runJson) : await readFile(join(runDir, path));
    const data = redactBytes(raw, options.redact);
    if (isPrivateKey(data)) {
      tree.omitted.push(`${options.redact(path)} (a private key)`);
      continue;
    }
    const large = data.length > options.gzipAboveBytes;
    const stored = large ? gzipSync(data, { level: 9 }) : data;
    if (stored.length > MAX_FILE_BYTES) {
      tree.omitted.push(
        `${options.redact(path)} (${Math.round(stored.length / 2 ** 20)} MiB gzipped)`,
      );
      continue;
    }
    // A file's name can carry a secret as well as its content.
    const name = options.redact(path);
    if (large) tree.gzipped.push(name);
    tree.files.push({ path: large ? `${name}.gz` : name, data: stored });
  }
  return tree;
}

/** Regular files under `dir`, sorted, skipping symlinks, private folders and temporary files. */
async function listFiles(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  const paths: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (TEMPORARY.test(entry.name) || unsafeName(entry.name)) continue;
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory() && !(dir === "" && PRIVATE_DIRS.has(entry.name))) {
      paths.push(...(await listFiles(root, path)));
    } else if (entry.isFile()) {
      paths.push(path);
    }
  }
  return paths;
}

/** Names git's fast-import cannot take unquoted: control characters, quotes, backslashes. */
function unsafeName(name: string): boolean {
  return [...name].some((c) => c.charCodeAt(0) < 0x20 || c === '"' || c === "\\");
}

function isPrivateKey(data: Buffer): boolean {
  return /^\s*-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(data.subarray(0, 200).toString("latin1"));
}
