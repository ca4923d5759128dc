// A fresh SSH key pair per run, so no long-lived secret is ever baked into a test image.
import { chmod, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { HarnessError } from "../../errors.ts";

/** The files ssh-keygen writes, named so a run directory shows what they are. */
export const RUN_KEY_NAME = "id_ed25519";

/** Creates an ed25519 key pair in `dir` (replacing an old one); returns the key path and public line. */
export async function generateRunKeyPair(
  dir: string,
): Promise<{ privateKeyPath: string; publicKey: string }> {
  const privateKeyPath = join(dir, RUN_KEY_NAME);
  // ssh-keygen asks before overwriting, and nothing would answer it.
  await rm(privateKeyPath, { force: true });
  await rm(`${privateKeyPath}.pub`, { force: true });
  try {
    // ssh-keygen writes OpenSSH's key format, which ssh2 reads; node:crypto's PKCS#8 ed25519 it does not.
    await execa(
      "ssh-keygen",
      ["-q", "-t", "ed25519", "-N", "", "-C", "harness-run", "-f", privateKeyPath],
      { timeout: 30_000, stdin: "ignore" },
    );
  } catch (cause) {
    throw new HarnessError("ESSHKEYGEN", `ssh-keygen could not create a key in ${dir}`, {
      cause,
      hint: "install openssh-client (./setup does) and check the folder is writable",
    });
  }
  await chmod(privateKeyPath, 0o600);
  const publicKey = (await readFile(`${privateKeyPath}.pub`, "utf8")).trim();
  return { privateKeyPath, publicKey };
}
