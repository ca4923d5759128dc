// A real registry (Debian's docker-registry) on loopback for tests, and a token server for its bearer auth.
import { createPrivateKey, randomUUID, sign } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createNetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { stringify } from "yaml";
import { MEDIA_TYPE, OciStore, platformForArch } from "../../harness/builder/oci/store.ts";
import { tempDir } from "./cli.ts";
import { startServerProcess } from "./server-process.ts";

/** The environment entry every test registry process carries, so a test can prove none is left running. */
export const REGISTRY_MARKER = "HARNESS_TEST_REGISTRY";

/** What the registry's `auth: token:` section needs. */
export interface TokenAuthConfig {
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
}

/** A registry serving on 127.0.0.1; `stop()` (or `await using`) kills it and removes its storage. */
export interface RunningRegistry extends AsyncDisposable {
  /** `127.0.0.1:PORT`, as image references name it. */
  host: string;
  /** The `REGISTRY_MARKER=value` entry in the process's environment. */
  marker: string;
  stop(): Promise<void>;
  output(): string;
}

/** A free TCP port on loopback (free when asked; nothing holds it afterwards). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `docker-registry serve` with temporary storage and waits until it answers `/v2/`. */
export async function startRegistry(
  options: { tokenAuth?: TokenAuthConfig } = {},
): Promise<RunningRegistry> {
  const dir = await tempDir("harness-registry-");
  const host = `127.0.0.1:${await freePort()}`;
  const configPath = join(dir, "config.yml");
  await writeFile(configPath, stringify(registryConfig(dir, host, options.tokenAuth)));
  const id = randomUUID();
  const server = await startServerProcess("docker-registry", ["serve", configPath], {
    dir,
    env: { [REGISTRY_MARKER]: id },
    keepBytes: 20_000,
    ready: (s) => waitUntilAnswering(host, s.exited, s.output),
  });
  const stop = () => server.stop();
  return {
    host,
    marker: `${REGISTRY_MARKER}=${id}`,
    stop,
    output: server.output,
    [Symbol.asyncDispose]: stop,
  };
}

function registryConfig(dir: string, host: string, tokenAuth: TokenAuthConfig | undefined) {
  return {
    version: 0.1,
    log: { level: "warn", accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, "data") }, delete: { enabled: true } },
    http: { addr: host, secret: randomUUID() },
    ...(tokenAuth
      ? {
          auth: {
            token: {
              realm: tokenAuth.realm,
              service: tokenAuth.service,
              issuer: tokenAuth.issuer,
              rootcertbundle: tokenAuth.rootCertBundle,
            },
          },
        }
      : {}),
  };
}

async function waitUntilAnswering(host: string, exited: () => boolean, output: () => string) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`docker-registry exited while starting:\n${output()}`);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 1000);
    try {
      const response = await fetch(`http://${host}/v2/`, { signal: controller.signal });
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // Not listening yet.
    } finally {
      clearTimeout(timer);
    }
    await sleep(50);
  }
  throw new Error(`docker-registry did not answer http://${host}/v2/ within 20s:\n${output()}`);
}

/** One request the token server answered. */
export interface TokenRequest {
  user: string | undefined;
  service: string | null;
  scopes: string[];
}

/** A token server issuing JWTs the registry trusts; users get what they ask, anonymous gets `anonymous` actions. */
export interface TokenServer extends AsyncDisposable {
  auth: TokenAuthConfig;
  requests: TokenRequest[];
  close(): Promise<void>;
}

/** Makes a signing key and self-signed certificate with openssl and serves tokens on loopback. */
export async function startTokenServer(options: {
  users: Record<string, string>;
  anonymous?: string[];
}): Promise<TokenServer> {
  const dir = await tempDir("harness-token-");
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  await mkdir(dir, { recursive: true });
  await execa("openssl", [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"],
    ...["-keyout", keyPath, "-out", certPath, "-subj", "/CN=harness-test-token"],
  ]);
  const key = createPrivateKey(await readFile(keyPath));
  const certDer = (await readFile(certPath, "utf8")).replace(/-----[A-Z ]+-----|\s/g, "");
  const requests: TokenRequest[] = [];
  const issuer = "harness-test-issuer";
  const service = "harness-test-registry";
  const issue = (user: string | undefined, scopes: string[]) =>
    signJwt(
      key,
      certDer,
      issuer,
      service,
      user,
      scopes,
      user ? undefined : (options.anonymous ?? []),
    );
  const server = createServer((request, response) =>
    answerToken(request, response, options.users, requests, issue),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    await closeServer(server);
    await rm(dir, { recursive: true, force: true });
  };
  const auth = {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertBundle: certPath,
  };
  return { auth, requests, close, [Symbol.asyncDispose]: close };
}

function answerToken(
  request: IncomingMessage,
  response: ServerResponse,
  users: Record<string, string>,
  requests: TokenRequest[],
  issue: (user: string | undefined, scopes: string[]) => string,
) {
  const url = new URL(request.url ?? "/", "http://localhost");
  const login = /^Basic (.+)$/.exec(request.headers.authorization ?? "")?.[1];
  const [user, password] = login ? Buffer.from(login, "base64").toString().split(":") : [];
  const scopes = url.searchParams.getAll("scope");
  requests.push({ user, service: url.searchParams.get("service"), scopes });
  if (user !== undefined && users[user] !== password) {
    response.writeHead(401, { "content-type": "application/json" }).end('{"details":"bad login"}');
    return;
  }
  const token = issue(user, scopes);
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
}

// The claims docker-registry checks: iss, aud (= service), exp/nbf, and `access`; the key comes from `x5c`.
function signJwt(
  key: ReturnType<typeof createPrivateKey>,
  certDer: string,
  issuer: string,
  service: string,
  user: string | undefined,
  scopes: string[],
  allowedActions: string[] | undefined,
): string {
  const now = Math.floor(Date.now() / 1000);
  const access = scopes.map((scope) => {
    const [type = "", ...rest] = scope.split(":");
    const actions = (rest.pop() ?? "")
      .split(",")
      .filter((a) => !allowedActions || allowedActions.includes(a));
    return { type, name: rest.join(":"), actions };
  });
  const header = { typ: "JWT", alg: "RS256", x5c: [certDer] };
  const claims = {
    iss: issuer,
    sub: user ?? "",
    aud: service,
    exp: now + 300,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access,
  };
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString("base64url");
  const signingInput = `${encode(header)}.${encode(claims)}`;
  return `${signingInput}.${sign("sha256", Buffer.from(signingInput), key).toString("base64url")}`;
}

/** Closes an HTTP or TCP server, cutting open connections so the close cannot hang. */
export async function closeServer(
  server: Server | ReturnType<typeof createNetServer>,
): Promise<void> {
  const closed = new Promise((resolve) => server.close(resolve));
  if ("closeAllConnections" in server) server.closeAllConnections();
  await closed;
}

/** Writes `files` (path → content) under `dir/content` and packs them with GNU tar into `dir/layer.tar.gz`. */
export async function makeLayer(dir: string, files: Record<string, string>): Promise<string> {
  const content = join(dir, "content");
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(content, path, ".."), { recursive: true });
    await writeFile(join(content, path), text);
  }
  const tarball = join(dir, "layer.tar.gz");
  await execa("tar", [
    ...["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner"],
    ...["-czf", tarball, "-C", content, "."],
  ]);
  return tarball;
}

/** A store at `dir/source` holding `ref` for linux/amd64 and linux/arm64: a shared layer plus one per arch. */
export async function multiArchStore(dir: string, ref: string): Promise<OciStore> {
  const store = new OciStore(join(dir, "source"));
  const layerType = MEDIA_TYPE.ociLayerGzip;
  const shared = await store.putBlobFile(
    await makeLayer(join(dir, "shared"), { "etc/os": "test\n" }),
    layerType,
  );
  for (const arch of ["x86_64", "aarch64"] as const) {
    const tarball = await makeLayer(join(dir, `layer-${arch}`), { "etc/arch": `${arch}\n` });
    const layer = await store.putBlobFile(tarball, layerType);
    const config = { config: { Env: [`ARCH=${arch}`] } };
    await store.addImage({ ref, platform: platformForArch(arch), config, layers: [shared, layer] });
  }
  return store;
}
