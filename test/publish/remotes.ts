// Real git remotes for the logs repository: a bare repository over file://, and the same over SSH
// through a real OpenSSH server on loopback; and ways to read what a publisher left in them.
import { readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { execa } from "execa";
import { tempDir } from "../helpers/cli.ts";
import { startSshd, type RunningSshd } from "../helpers/sshd.ts";

/** A bare repository and the URL and environment a publisher reaches it with. */
export interface Remote {
  gitDir: string;
  url: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** An empty bare repository. */
export async function bareRepo(): Promise<string> {
  const gitDir = join(await tempDir("harness-logs-remote-"), "logs.git");
  await execa("git", ["init", "--quiet", "--bare", "--initial-branch=main", gitDir]);
  return gitDir;
}

/** A file:// remote. */
export async function fileRemote(): Promise<Remote> {
  const gitDir = await bareRepo();
  const stop = () => rm(dirname(gitDir), { recursive: true, force: true });
  return { gitDir, url: `file://${gitDir}`, env: {}, stop };
}

/** An ssh:// remote served by a real sshd on 127.0.0.1, reached with a fresh key. */
export async function sshRemote(): Promise<Remote & { sshd: RunningSshd }> {
  const gitDir = await bareRepo();
  const keyDir = await tempDir("harness-logs-key-");
  const key = join(keyDir, "id_ed25519");
  await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  const publicKey = await readFile(`${key}.pub`, "utf8");
  const sshd = await startSshd({ authorizedKeys: publicKey });
  const command = `ssh -i ${key} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR`;
  return {
    gitDir,
    url: `ssh://${sshd.user}@127.0.0.1:${sshd.port}${gitDir}`,
    env: { GIT_SSH_COMMAND: command },
    sshd,
    stop: async () => {
      await sshd.stop();
      for (const dir of [dirname(gitDir), keyDir]) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every ref of the remote and where it points. */
export async function refs(gitDir: string): Promise<Record<string, string>> {
  const { stdout } = await execa("git", [
    "--git-dir",
    gitDir,
    "for-each-ref",
    "--format=%(refname) %(objectname)",
  ]);
  return Object.fromEntries(
    stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" ") as [string, string]),
  );
}

/** A file of a branch, gunzipped when it is a .gz file. */
export async function fileAt(gitDir: string, branch: string, path: string): Promise<Buffer> {
  const { stdout } = await execa(
    "git",
    ["--git-dir", gitDir, "cat-file", "blob", `refs/heads/${branch}:${path}`],
    {
      encoding: "buffer",
      stripFinalNewline: false,
    },
  );
  const data = Buffer.from(stdout);
  return path.endsWith(".gz") ? gunzipSync(data) : data;
}

/** The files of a branch. */
export async function filesOf(gitDir: string, branch: string): Promise<string[]> {
  const { stdout } = await execa("git", [
    "--git-dir",
    gitDir,
    "ls-tree",
    "-r",
    "--name-only",
    `refs/heads/${branch}`,
  ]);
  return stdout.split("\n").filter(Boolean);
}

/** Every object in the repository as text (blobs gunzipped), to search for what must not be there. */
export async function everything(gitDir: string): Promise<string> {
  const { stdout } = await execa(
    "git",
    ["--git-dir", gitDir, "cat-file", "--batch-all-objects", "--batch"],
    {
      encoding: "buffer",
      stripFinalNewline: false,
    },
  );
  const all = Buffer.from(stdout);
  const parts: string[] = [];
  let at = 0;
  while (at < all.length) {
    const newline = all.indexOf(10, at);
    const [, , size] = all.subarray(at, newline).toString().split(" ");
    const body = all.subarray(newline + 1, newline + 1 + Number(size));
    parts.push(body.toString("latin1"));
    if (body[0] === 0x1f && body[1] === 0x8b) parts.push(gunzipSync(body).toString("latin1"));
    at = newline + 1 + Number(size) + 1;
  }
  return parts.join("\n");
}
