// Commits built in one `git fast-import` pass: every file inline, a fixed identity and date, so
// the same content always makes the same commit (which is how a republish is recognised).
import type { Git } from "./git.ts";
import type { TreeFile } from "./run-tree.ts";

/** What one commit holds. */
export interface CommitSpec {
  /** Scratch ref the commit is written to. */
  ref: string;
  date: Date;
  message: string;
  /** Parent commit; none makes an orphan (a root commit). */
  parent?: string;
  /** With a parent: keep its other files (true) or replace its whole tree (false). */
  keepParentFiles?: boolean;
  files: readonly TreeFile[];
}

/** Writes the commit into the scratch repository; returns its id. */
export async function writeCommit(git: Git, spec: CommitSpec): Promise<string> {
  await git(["fast-import", "--quiet", "--force", "--date-format=raw"], {
    input: fastImportStream(spec),
  });
  return (await git(["rev-parse", spec.ref])).trim();
}

/** The fast-import input for `spec`. */
export function fastImportStream(spec: CommitSpec): Buffer {
  const when = `${Math.floor(spec.date.getTime() / 1000)} +0000`;
  const message = Buffer.from(`${spec.message}\n`);
  const chunks: Buffer[] = [
    Buffer.from(
      [
        `commit ${spec.ref}`,
        `author harness <harness@localhost> ${when}`,
        `committer harness <harness@localhost> ${when}`,
        `data ${message.length}`,
        "",
      ].join("\n"),
    ),
    message,
    Buffer.from(spec.parent === undefined ? "" : `from ${spec.parent}\n`),
    Buffer.from(spec.parent !== undefined && spec.keepParentFiles ? "" : "deleteall\n"),
  ];
  for (const file of spec.files) {
    chunks.push(Buffer.from(`M 100644 inline ${file.path}\ndata ${file.data.length}\n`));
    chunks.push(file.data, Buffer.from("\n"));
  }
  chunks.push(Buffer.from("done\n"));
  return Buffer.concat(chunks);
}
