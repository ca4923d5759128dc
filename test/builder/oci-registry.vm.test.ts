// The registry client against a real registry (Debian's docker-registry): push, pull, errors, deadlines, token auth.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { HarnessError } from "../../harness/errors.ts";
import { getImage } from "../../harness/builder/oci/get-image.ts";
import { pullImage, pushImage } from "../../harness/builder/oci/registry.ts";
import { OciStore, platformForArch } from "../../harness/builder/oci/store.ts";
import type { Descriptor, OciPlatform } from "../../harness/builder/oci/store.ts";
import { tempDir } from "../helpers/cli.ts";
import { processesWithEnv } from "../helpers/processes.ts";
import {
  closeServer,
  freePort,
  multiArchStore,
  startRegistry,
  startTokenServer,
} from "../helpers/registry.ts";
import type { RunningRegistry, TokenServer } from "../helpers/registry.ts";

const AMD64 = platformForArch("x86_64");
const ARM64 = platformForArch("aarch64");

function hasCode(code: string, ...mentions: string[]) {
  return (error: unknown) => {
    assert.ok(error instanceof HarnessError, `expected a HarnessError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const text of mentions)
      assert.ok(error.message.includes(text), `"${text}" not in: ${error.message}`);
    return true;
  };
}

async function freshStore(dir: string): Promise<OciStore> {
  return new OciStore(await mkdtemp(join(dir, "fresh-")));
}

describe("oci registry client (real docker-registry)", () => {
  let dir: string;
  let registry: RunningRegistry | undefined;
  let source: OciStore;
  let remote: string;

  before(async () => {
    dir = await tempDir("harness-oci-registry-");
    registry = await startRegistry();
    remote = `${registry.host}/test/multi:v1`;
    source = await multiArchStore(dir, "local/multi:v1");
    await pushImage(source, "local/multi:v1", remote);
  });
  after(async () => {
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("pushes a multi-arch image and pulls each arch back with the same digests", async () => {
    for (const platform of [AMD64, ARM64]) {
      const store = await freshStore(dir);
      const pulled = await pullImage(store, remote, platform);
      const original = await source.resolve("local/multi:v1", platform);
      assert.ok(original);
      assert.equal(pulled.digest, original.digest);
      assert.equal(pulled.indexDigest, original.indexDigest);
      assert.deepEqual(pulled.layers, original.layers);
      for (const layer of pulled.layers) {
        assert.deepEqual(await store.readBlob(layer.digest), await source.readBlob(layer.digest));
      }
      assert.deepEqual(await store.list(), [remote]);
      assert.deepEqual(await store.resolve(remote, platform), pulled);
    }
    const answer = await fetch(`http://${registry?.host}/v2/test/multi/manifests/v1`, {
      headers: { accept: "application/vnd.oci.image.index.v1+json" },
    });
    await answer.body?.cancel();
    assert.equal(
      answer.headers.get("docker-content-digest"),
      (await source.lookup("local/multi:v1"))?.digest,
    );
  });

  it("pulls by manifest digest and by index digest", async () => {
    const original = await source.resolve("local/multi:v1", ARM64);
    assert.ok(original?.indexDigest);
    const byManifest = await pullImage(
      await freshStore(dir),
      `${registry?.host}/test/multi@${original.digest}`,
      ARM64,
    );
    assert.equal(byManifest.digest, original.digest);
    assert.equal(byManifest.indexDigest, undefined);
    const store = await freshStore(dir);
    const byIndex = await pullImage(
      store,
      `${registry?.host}/test/multi@${original.indexDigest}`,
      ARM64,
    );
    assert.equal(byIndex.digest, original.digest);
    assert.equal(byIndex.indexDigest, original.indexDigest);
    assert.deepEqual(await store.list(), [], "a digest pull has no tag to record");
    assert.ok(await store.resolve(`${registry?.host}/test/multi@${original.indexDigest}`, ARM64));
  });

  it("says EIMAGENOTFOUND, and where it looked, for a missing tag or repository", async () => {
    const store = await freshStore(dir);
    await assert.rejects(
      pullImage(store, `${registry?.host}/test/multi:missing`, AMD64),
      hasCode("EIMAGENOTFOUND", `http://${registry?.host}/v2/test/multi/manifests/missing`),
    );
    await assert.rejects(
      pullImage(store, `${registry?.host}/no/such:v1`, AMD64),
      hasCode("EIMAGENOTFOUND"),
    );
    assert.deepEqual(await store.list(), []);
  });

  it("says EIMAGEARCH, listing the arches there are, for an arch the image lacks", async () => {
    const riscv: OciPlatform = { os: "linux", architecture: "riscv64" };
    await assert.rejects(
      pullImage(await freshStore(dir), remote, riscv),
      hasCode("EIMAGEARCH", "linux/riscv64", "linux/amd64", "linux/arm64/v8"),
    );
    const single = await source.resolve("local/multi:v1", AMD64);
    assert.ok(single);
    await source.tag("local/single:v1", {
      mediaType: single.manifest.mediaType ?? "",
      digest: single.digest,
      size: (await source.readBlob(single.digest)).length,
    });
    await pushImage(source, "local/single:v1", `${registry?.host}/test/single:v1`);
    await assert.rejects(
      pullImage(await freshStore(dir), `${registry?.host}/test/single:v1`, ARM64),
      hasCode("EIMAGEARCH", "linux/amd64"),
    );
    const pulled = await pullImage(
      await freshStore(dir),
      `${registry?.host}/test/single:v1`,
      AMD64,
    );
    assert.equal(pulled.digest, single.digest);
  });

  it("refuses a layer whose bytes do not match its digest and stores nothing of it", async () => {
    const original = await source.resolve("local/multi:v1", AMD64);
    const target = original?.layers[1];
    assert.ok(target);
    const tampering: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = input instanceof Request ? input.url : input.toString();
      if (!url.endsWith(`/blobs/${target.digest}`)) return response;
      const bytes = Buffer.from(await response.arrayBuffer());
      bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      return new Response(bytes, { status: response.status, headers: response.headers });
    };
    const store = await freshStore(dir);
    await assert.rejects(
      pullImage(store, remote, AMD64, { fetch: tampering }),
      hasCode("EDIGESTMISMATCH", target.digest),
    );
    assert.equal(await store.hasBlob(target.digest), false);
    assert.deepEqual(await store.list(), []);
  });

  it("gets an image from the store first, pulls it when allowed, and says where it looked when neither works", async () => {
    const store = await freshStore(dir);
    await assert.rejects(
      getImage(store, remote, AMD64, { pull: false }),
      hasCode("EIMAGENOTFOUND", store.root, "pulling is off"),
    );
    const pulled = await getImage(store, remote, AMD64, { pull: true });
    const offline: typeof fetch = () => Promise.reject(new Error("the network was used"));
    assert.deepEqual(await getImage(store, remote, AMD64, { pull: true, fetch: offline }), pulled);
    const port = await freePort();
    await assert.rejects(
      getImage(store, `127.0.0.1:${port}/test/multi:v1`, AMD64, { pull: true, timeoutMs: 2000 }),
      hasCode("EIMAGENOTFOUND", store.root, `http://127.0.0.1:${port}`),
    );
  });

  it("stops the registry process it started", async () => {
    const extra = await startRegistry();
    assert.equal((await processesWithEnv(extra.marker)).length, 1);
    await extra.stop();
    assert.deepEqual(await processesWithEnv(extra.marker), []);
  });
});

describe("oci registry client deadlines", () => {
  let dir: string;
  before(async () => {
    dir = await tempDir("harness-oci-deadline-");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("gives EREGISTRY naming the URL when nothing listens on the port", async () => {
    const port = await freePort();
    const started = Date.now();
    await assert.rejects(
      pullImage(new OciStore(join(dir, "a")), `127.0.0.1:${port}/x/y:z`, AMD64, {
        timeoutMs: 2000,
      }),
      hasCode("EREGISTRY", `http://127.0.0.1:${port}`, "ECONNREFUSED"),
    );
    assert.ok(Date.now() - started < 2000);
  });

  it("gives EREGISTRY within the deadline when the registry accepts but never answers", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const started = Date.now();
      await assert.rejects(
        pullImage(new OciStore(join(dir, "b")), `127.0.0.1:${port}/x/y:z`, AMD64, {
          timeoutMs: 300,
        }),
        hasCode("EREGISTRY", `http://127.0.0.1:${port}`, "did not answer"),
      );
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 3000, `took ${elapsed}ms`);
      assert.ok(sockets.size > 0, "the client never connected");
    } finally {
      for (const socket of sockets) socket.destroy();
      await closeServer(silent);
    }
  });

  it("stops at once with the caller's reason when cancelled", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled by the test");
    controller.abort(reason);
    await assert.rejects(
      pullImage(new OciStore(join(dir, "c")), "127.0.0.1:1/x/y:z", AMD64, {
        signal: controller.signal,
      }),
      (error: unknown) => error === reason,
    );
  });
});

describe("oci registry client with token auth (real docker-registry)", () => {
  let dir: string;
  let tokens: TokenServer | undefined;
  let registry: RunningRegistry | undefined;
  let source: OciStore;
  let remote: string;
  const alice = { username: "alice", password: "s3cret" };

  before(async () => {
    dir = await tempDir("harness-oci-token-");
    tokens = await startTokenServer({ users: { alice: alice.password } });
    registry = await startRegistry({ tokenAuth: tokens.auth });
    remote = `${registry.host}/private/multi:v1`;
    source = await multiArchStore(dir, "local/multi:v1");
  });
  after(async () => {
    await registry?.stop();
    await tokens?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("pushes and pulls with bearer tokens got with basic credentials", async () => {
    const pushed: Descriptor = await pushImage(source, "local/multi:v1", remote, {
      credentials: alice,
    });
    const pushScopes = tokens?.requests.flatMap((r) => r.scopes) ?? [];
    // The registry lists the actions in no fixed order.
    const pushScope = /^repository:private\/multi:(pull,push|push,pull)$/;
    assert.ok(
      pushScopes.some((scope) => pushScope.test(scope)),
      pushScopes.join(" "),
    );
    assert.ok(
      tokens?.requests.every((r) => r.user === "alice" && r.service === tokens?.auth.service),
    );
    const pulled = await pullImage(await freshStore(dir), remote, ARM64, { credentials: alice });
    assert.equal(pulled.indexDigest, pushed.digest);
    assert.equal(pulled.digest, (await source.resolve("local/multi:v1", ARM64))?.digest);
  });

  it("says EREGISTRYAUTH for anonymous pulls and for a wrong password", async () => {
    await pushImage(source, "local/multi:v1", remote, { credentials: alice });
    await assert.rejects(
      pullImage(await freshStore(dir), remote, AMD64),
      hasCode("EREGISTRYAUTH", `http://${registry?.host}`),
    );
    await assert.rejects(
      pullImage(await freshStore(dir), remote, AMD64, {
        credentials: { username: "alice", password: "wrong" },
      }),
      hasCode("EREGISTRYAUTH", "alice"),
    );
  });
});
