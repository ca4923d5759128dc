// Registry authentication: WWW-Authenticate challenges, and bearer tokens from a token server (Docker token auth).

/** Login for a registry or its token server. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** A parsed `WWW-Authenticate` challenge. */
export interface AuthChallenge {
  scheme: "basic" | "bearer";
  realm?: string;
  service?: string;
  scope?: string;
  error?: string;
}

/** Parses a `WWW-Authenticate` header; undefined when it is absent or of a scheme the client does not speak. */
export function parseChallenge(header: string | null): AuthChallenge | undefined {
  const match = header?.trim().match(/^(\w+)\s*(.*)$/s);
  if (!match) return undefined;
  const scheme = match[1]?.toLowerCase();
  if (scheme !== "basic" && scheme !== "bearer") return undefined;
  const challenge: AuthChallenge = { scheme };
  for (const param of (match[2] ?? "").matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    const key = param[1]?.toLowerCase();
    const value = (param[2] ?? param[3] ?? "").replace(/\\(.)/g, "$1");
    if (key === "realm" || key === "service" || key === "scope" || key === "error") {
      challenge[key] = value;
    }
  }
  return challenge;
}

/** The `Authorization` value for HTTP basic auth. */
export function basicAuthorization(credentials: RegistryCredentials): string {
  const pair = `${credentials.username}:${credentials.password}`;
  return `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
}

/** The token server URL for a bearer challenge: realm with service and one `scope` parameter per scope. */
export function tokenUrl(challenge: AuthChallenge, fallbackScope: string): URL {
  const url = new URL(challenge.realm ?? "");
  if (challenge.service) url.searchParams.set("service", challenge.service);
  for (const scope of (challenge.scope ?? fallbackScope).split(" ").filter(Boolean)) {
    url.searchParams.append("scope", scope);
  }
  return url;
}

/** The token in a token server's JSON answer (`token`, or OAuth's `access_token`). */
export function tokenFromAnswer(answer: unknown): string | undefined {
  if (typeof answer !== "object" || answer === null) return undefined;
  const { token, access_token: accessToken } = answer as Record<string, unknown>;
  if (typeof token === "string" && token !== "") return token;
  return typeof accessToken === "string" && accessToken !== "" ? accessToken : undefined;
}
