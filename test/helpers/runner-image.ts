// The image of a remote runner for tests: Debian with OpenSSH's server and qemu-system-arm, made
// by mmdebstrap from the system's own apt sources and imported into Docker; nothing is pulled
// from a registry. Tagged by a hash of its inputs, so it is built once and reused; the root
// file system tarball is kept in .cache/ for an engine that lost its images.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { systemAptSources } from "../../harness/builder/kernels/apt-sources.ts";
import { withFileLock } from "../../harness/util/file-lock.ts";
import { REPO, tempDir } from "./cli.ts";

/** Debian packages of the runner, beyond the essential set. */
const PACKAGES = ["openssh-server", "qemu-system-arm", "ipxe-qemu", "procps"];

/**
 * Starts sshd with the key in $AUTHORIZED_KEY as root's only way in. Root's home comes from the
 * image's passwd; sshd's privilege-separation folder from $SSHD_PRIVSEP_DIR (Debian's by default).
 */
const START_SCRIPT = `#!/bin/sh
set -e
keys="$(getent passwd root | cut -d: -f6)/.ssh"
mkdir -p "$keys" "\${SSHD_PRIVSEP_DIR:-/run/sshd}"
printf '%s\\n' "$AUTHORIZED_KEY" >"$keys/authorized_keys"
chmod 700 "$keys"
chmod 600 "$keys/authorized_keys"
exec "$(command -v sshd)" -D -e
`;

/** Key logins only; a client that vanishes is noticed within ~15 s, as a real runner should. */
const SSHD_CONFIG = `PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
ClientAliveInterval 5
ClientAliveCountMax 3
`;

/** The command the containers run. */
export const RUNNER_START = "/usr/local/sbin/harness-runner-start";

/** The image's tag, building it first when the engine lacks it. */
export async function runnerImage(): Promise<string> {
  const codename = await debianCodename();
  const mirrors = await debianMirrors(codename);
  const inputs = JSON.stringify({
    version: 1,
    codename,
    mirrors,
    PACKAGES,
    START_SCRIPT,
    SSHD_CONFIG,
  });
  const hash = createHash("sha256").update(inputs).digest("hex").slice(0, 16);
  const tag = `harness-remote-runner:${hash}`;
  const cacheDir = join(REPO, ".cache", "remote-runner");
  return withFileLock(join(cacheDir, hash), async () => {
    const known = await execa("docker", ["image", "inspect", tag], { reject: false });
    if (known.exitCode === 0) return tag;
    const tarball = join(cacheDir, `rootfs-${hash}.tar`);
    if (!(await stat(tarball).catch(() => undefined)))
      await buildRootfs(tarball, codename, mirrors);
    await execa("docker", ["import", "--change", `CMD ["${RUNNER_START}"]`, tarball, tag]);
    return tag;
  });
}

async function buildRootfs(tarball: string, codename: string, mirrors: string[]): Promise<void> {
  const files = await tempDir("harness-runner-files-");
  try {
    await writeFile(join(files, "harness-runner-start"), START_SCRIPT, { mode: 0o755 });
    await writeFile(join(files, "harness.conf"), SSHD_CONFIG);
    const partial = `${tarball}.part`;
    await mkdir(join(tarball, ".."), { recursive: true });
    await execa(
      "mmdebstrap",
      [
        "--variant=essential",
        `--include=${PACKAGES.join(",")}`,
        "--dpkgopt=path-exclude=/usr/share/doc/*",
        "--dpkgopt=path-exclude=/usr/share/man/*",
        "--dpkgopt=path-exclude=/usr/share/locale/*",
        `--customize-hook=copy-in ${join(files, "harness-runner-start")} /usr/local/sbin`,
        `--customize-hook=copy-in ${join(files, "harness.conf")} /etc/ssh/sshd_config.d`,
        "--format=tar",
        codename,
        partial,
        ...mirrors,
      ],
      { all: true, timeout: 20 * 60_000 },
    ).catch((error: Error & { all?: string }) => {
      throw new Error(
        `mmdebstrap could not build the runner image: ${String(error.all ?? error.message).slice(-3000)}`,
        {
          cause: error,
        },
      );
    });
    await rename(partial, tarball);
  } finally {
    await rm(files, { recursive: true, force: true });
  }
}

// One `deb URI SUITE COMPONENTS` line per Debian suite of this release in the system's sources,
// so the image comes from the mirror this machine already uses.
async function debianMirrors(codename: string): Promise<string[]> {
  const lines = (await systemAptSources()).flatMap((source) =>
    source.suites
      .filter((suite) => suite === codename || suite.startsWith(`${codename}-`))
      .flatMap((suite) =>
        source.uris.map((uri) => `deb ${uri} ${suite} ${source.components.join(" ")}`),
      ),
  );
  if (lines.length === 0)
    throw new Error(`no apt source for Debian ${codename} in /etc/apt; the runner image needs one`);
  return lines;
}

async function debianCodename(): Promise<string> {
  const osRelease = await readFile("/etc/os-release", "utf8");
  const codename = /^VERSION_CODENAME=(.*)$/m.exec(osRelease)?.[1]?.replace(/"/g, "");
  if (!codename)
    throw new Error(
      "/etc/os-release names no VERSION_CODENAME; the runner image needs a Debian host",
    );
  return codename;
}
