// --logs-repo URL: which git URLs the logs repository may have, and where its pages are on the web.
import { inputError } from "../errors.ts";

/** A checked logs-repository URL. */
export interface LogsRepoUrl {
  /** What git is given. */
  url: string;
  transport: "ssh" | "https" | "file";
  /** "OWNER/REPO" when the repository is on github.com, so links to its pages can be made. */
  githubRepo?: string;
}

const SCP_LIKE = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;
const HINT =
  "use ssh://host/path.git, user@host:path.git, https://host/path.git or file:///abs/path.git";

/** Checks `raw` is an ssh, https or file URL git can push to; bad input otherwise (exit 2). */
export function parseLogsRepoUrl(raw: string): LogsRepoUrl {
  const scp = SCP_LIKE.exec(raw);
  if (scp && !raw.includes("://")) {
    return withGithub({ url: raw, transport: "ssh" }, scp[2] as string, scp[3] as string);
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw bad(raw, "is not a URL");
  }
  switch (parsed.protocol) {
    case "ssh:":
    case "git+ssh:":
      if (parsed.hostname === "" || parsed.pathname.length <= 1)
        throw bad(raw, "needs a host and a path");
      return withGithub({ url: raw, transport: "ssh" }, parsed.hostname, parsed.pathname);
    case "https:":
      if (parsed.pathname.length <= 1) throw bad(raw, "needs a repository path");
      return withGithub({ url: raw, transport: "https" }, parsed.hostname, parsed.pathname);
    case "file:":
      if (parsed.host !== "" || parsed.pathname.length <= 1) {
        throw bad(raw, "must be file:///absolute/path (three slashes, no host)");
      }
      return { url: raw, transport: "file" };
    case "http:":
      throw bad(raw, "uses plain http, which would send credentials in the clear");
    default:
      throw bad(raw, `uses ${parsed.protocol.replace(/:$/, "")}, which is not ssh, https or file`);
  }
}

function withGithub(result: LogsRepoUrl, host: string, path: string): LogsRepoUrl {
  const repo = /^\/?([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(\.git)?\/?$/.exec(path);
  if (host.toLowerCase() !== "github.com" || !repo) return result;
  return { ...result, githubRepo: `${repo[1]}/${repo[2]}` };
}

function bad(raw: string, why: string) {
  // The URL may carry a token (https://x-access-token:…@): show only its shape.
  const shown = raw.replace(/\/\/[^/@]*@/, "//***@");
  return inputError("ELOGSREPO", `--logs-repo ${JSON.stringify(shown)} ${why}`, { hint: HINT });
}

/** The default link template for a logs repository on github.com: its branch browser. */
export function defaultLogsUrlTemplate(repo: LogsRepoUrl): string | undefined {
  if (repo.githubRepo === undefined) return undefined;
  return `https://github.com/${repo.githubRepo}/tree/{branch}/{cellDir}`;
}
