// The local OCI image store: references, blobs, images per platform, concurrent writers, corruption.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { execa } from "execa";
import { HarnessError } from "../../harness/errors.ts";
import { withFileLock } from "../../harness/builder/oci/lock.ts";
import { formatReference, parseReference } from "../../harness/builder/oci/reference.ts";
import { OciStore, platformForArch, platformMatches } from "../../harness/builder/oci/store.ts";
import type { Descriptor, OciPlatform } from "../../harness/builder/oci/store.ts";
import { REPO, tempDir } from "../helpers/cli.ts";
import { makeLayer } from "../helpers/registry.ts";

const AMD64 = platformForArch("x86_64");
const ARM64 = platformForArch("aarch64");
const LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

function hasCode(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof HarnessError, `expected a HarnessError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe("oci image references", () => {
  it("fills in Docker Hub defaults and keeps explicit registries", () => {
    assert.deepEqual(parseReference("alpine"), {
      registry: "docker.io",
      repository: "library/alpine",
      tag: "latest",
    });
    assert.deepEqual(parseReference("linuxkit/init:v1.0"), {
      registry: "docker.io",
      repository: "linuxkit/init",
      tag: "v1.0",
    });
    assert.deepEqual(parseReference("localhost:5000/a/b:t"), {
      registry: "localhost:5000",
      repository: "a/b",
      tag: "t",
    });
    const digest = `sha256:${"a".repeat(64)}`;
    assert.deepEqual(parseReference(`x@${digest}`), {
      registry: "docker.io",
      repository: "library/x",
      digest,
    });
    assert.equal(
      formatReference(parseReference(`x:t@${digest}`)),
      `docker.io/library/x:t@${digest}`,
    );
  });

  it("refuses bad references with EIMAGEREF, the value and a hint", () => {
    for (const bad of ["", "Alpine", "x@sha256:abc", "x:bad/tag", "a//b", "x:" + "t".repeat(200)]) {
      assert.throws(
        () => parseReference(bad),
        (error: unknown) => {
          assert.ok(error instanceof HarnessError && error.code === "EIMAGEREF", String(error));
          assert.ok(error.message.includes(`"${bad}"`), error.message);
          assert.ok(error.hint);
          assert.equal(error.exitCode, 2);
          return true;
        },
      );
    }
  });

  it("matches arm64 and arm64/v8 as one platform, but not other arches", () => {
    assert.ok(platformMatches({ os: "linux", architecture: "arm64" }, ARM64));
    assert.ok(platformMatches(ARM64, { os: "linux", architecture: "arm64" }));
    assert.ok(!platformMatches(ARM64, AMD64));
    assert.ok(
      !platformMatches(
        { os: "linux", architecture: "arm", variant: "v7" },
        { os: "linux", architecture: "arm", variant: "v6" },
      ),
    );
  });
});

describe("oci image store", () => {
  let dir: string;
  let store: OciStore;
  let layer: Descriptor;
  let tarball: string;

  beforeEach(async () => {
    dir = await tempDir("harness-oci-store-");
    store = new OciStore(join(dir, "oci"));
    tarball = await makeLayer(join(dir, "layer"), {
      "etc/hello": "hello\n",
      "bin/tool": "#!/bin/sh\n",
    });
    layer = await store.putBlobFile(tarball, LAYER);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("picks its folder from HARNESS_CACHE, else the repository's .cache", () => {
    assert.equal(OciStore.defaultRoot({ HARNESS_CACHE: "/c" }, "/r"), join("/c", "oci"));
    assert.equal(OciStore.defaultRoot({}, "/r"), join("/r", ".cache", "oci"));
  });

  it("stores blobs by digest and reads them back verified", async () => {
    const bytes = await readFile(tarball);
    assert.equal(layer.digest, `sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    assert.equal(layer.size, bytes.length);
    assert.deepEqual(await store.readBlob(layer.digest), bytes);
    const text = await store.putBlob("some text", "text/plain");
    assert.equal((await store.readBlob(text.digest)).toString(), "some text");
    assert.equal(await store.hasBlob(`sha256:${"0".repeat(64)}`), false);
    assert.deepEqual(JSON.parse(await readFile(join(store.root, "oci-layout"), "utf8")), {
      imageLayoutVersion: "1.0.0",
    });
  });

  it("round-trips an image: add, resolve by tag and by digest, list", async () => {
    const added = await store.addImage({
      ref: "example/tool:v1",
      platform: AMD64,
      config: { config: { Cmd: ["/bin/tool"] } },
      layers: [layer],
      annotations: { "org.example": "yes" },
    });
    const image = await store.resolve("example/tool:v1", AMD64);
    assert.ok(image);
    assert.equal(image.ref, "docker.io/example/tool:v1");
    assert.equal(image.digest, added.manifest.digest);
    assert.equal(image.indexDigest, added.index.digest);
    assert.deepEqual(image.layers, [layer]);
    assert.deepEqual(image.platform, AMD64);
    assert.equal(image.config.architecture, "amd64");
    assert.deepEqual(image.config.config, { Cmd: ["/bin/tool"] });
    const uncompressed = gunzipSync(await readFile(tarball));
    const diffId = `sha256:${createHash("sha256").update(uncompressed).digest("hex")}`;
    assert.deepEqual(image.config.rootfs, { type: "layers", diff_ids: [diffId] });
    assert.equal(image.manifest.annotations?.["org.example"], "yes");
    assert.deepEqual(await store.list(), ["docker.io/example/tool:v1"]);
    const byManifest = await store.resolve(`example/tool@${added.manifest.digest}`, AMD64);
    assert.equal(byManifest?.digest, added.manifest.digest);
    const byIndex = await store.resolve(`example/tool@${added.index.digest}`, AMD64);
    assert.equal(byIndex?.indexDigest, added.index.digest);
    assert.equal(await store.resolve("example/tool:v1", ARM64), undefined);
    assert.equal(await store.resolve("example/tool:v2", AMD64), undefined);
    assert.equal(await store.resolve(`example/tool@sha256:${"1".repeat(64)}`, AMD64), undefined);
  });

  it("keeps the other platforms when a platform is added or replaced", async () => {
    await store.addImage({ ref: "multi:1", platform: AMD64, config: {}, layers: [layer] });
    await store.addImage({ ref: "multi:1", platform: ARM64, config: {}, layers: [layer] });
    const replaced = await store.addImage({
      ref: "multi:1",
      platform: { os: "linux", architecture: "arm64" },
      config: { config: { Env: ["NEW=1"] } },
      layers: [layer],
    });
    const index = JSON.parse((await store.readBlob(replaced.index.digest)).toString()) as {
      manifests: Descriptor[];
    };
    assert.deepEqual(
      index.manifests.map((m) => m.platform?.architecture),
      ["amd64", "arm64"],
    );
    assert.equal((await store.resolve("multi:1", ARM64))?.digest, replaced.manifest.digest);
    assert.ok(await store.resolve("multi:1", AMD64));
  });

  it("refuses a config that names another platform", async () => {
    await assert.rejects(
      store.addImage({
        ref: "x:1",
        platform: AMD64,
        config: { architecture: "arm64" },
        layers: [layer],
      }),
      hasCode("EIMAGECONFIG"),
    );
  });

  it("keeps every platform when interleaved addImage calls write the same ref", async () => {
    const platforms = ["amd64", "arm64", "riscv64", "ppc64le", "s390x", "386"].map(
      (architecture): OciPlatform => ({ os: "linux", architecture }),
    );
    await Promise.all(
      platforms.map((platform) =>
        store.addImage({ ref: "busy:1", platform, config: {}, layers: [layer] }),
      ),
    );
    for (const platform of platforms) {
      assert.ok(await store.resolve("busy:1", platform), `lost ${platform.architecture}`);
    }
    assert.deepEqual(await store.list(), ["docker.io/library/busy:1"]);
  });

  it("keeps every platform when two processes write the same ref at once", async () => {
    const script = (arches: string[]) => `
      import { OciStore } from ${JSON.stringify(pathToFileURL(join(REPO, "harness/builder/oci/store.ts")).href)};
      const store = new OciStore(${JSON.stringify(store.root)});
      const layer = ${JSON.stringify(layer)};
      for (const architecture of ${JSON.stringify(arches)}) {
        await store.addImage({ ref: "shared:1", platform: { os: "linux", architecture }, config: {}, layers: [layer] });
      }`;
    const groups = [
      ["a1", "a2", "a3", "a4", "a5"],
      ["b1", "b2", "b3", "b4", "b5"],
    ];
    await Promise.all(
      groups.map((arches) =>
        execa(
          process.execPath,
          ["--input-type=module", "--disable-warning=ExperimentalWarning", "-e", script(arches)],
          {
            timeout: 60_000,
          },
        ),
      ),
    );
    for (const architecture of groups.flat()) {
      assert.ok(
        await store.resolve("shared:1", { os: "linux", architecture }),
        `lost ${architecture}`,
      );
    }
    assert.deepEqual(
      (await readdir(store.root)).filter((name) => name.includes("lock") || name.includes("tmp")),
      [],
    );
  });

  it("detects a corrupt blob, removes it and says what to do", async () => {
    await writeFile(store.blobPath(layer.digest), "not the layer");
    await assert.rejects(store.readBlob(layer.digest), (error: unknown) => {
      hasCode("EBLOBCORRUPT")(error);
      assert.ok((error as HarnessError).message.includes(store.blobPath(layer.digest)));
      assert.ok((error as HarnessError).hint);
      return true;
    });
    assert.equal(await store.hasBlob(layer.digest), false);
  });

  it("refuses streamed bytes that are not the promised blob and stores nothing", async () => {
    const promised: Descriptor = { mediaType: LAYER, digest: `sha256:${"2".repeat(64)}`, size: 4 };
    await assert.rejects(
      store.putBlobStream(Readable.from([Buffer.from("evil")]), promised, "a test"),
      hasCode("EDIGESTMISMATCH"),
    );
    assert.equal(await store.hasBlob(promised.digest), false);
    const leftovers = (await readdir(join(store.root, "blobs", "sha256"))).filter((n) =>
      n.startsWith("."),
    );
    assert.deepEqual(leftovers, []);
  });

  it("breaks a lock left by a dead process, and times out on a live one", async () => {
    const dead = await execa(process.execPath, ["-e", "console.log(process.pid)"]);
    const lockPath = join(store.root, "index.json.lock");
    await writeFile(lockPath, `${dead.stdout.trim()} ${hostname()} old`);
    await store.addImage({ ref: "after-crash:1", platform: AMD64, config: {}, layers: [layer] });
    assert.ok(await store.resolve("after-crash:1", AMD64));
    await writeFile(lockPath, `${process.pid} ${hostname()} someone-else`);
    const started = Date.now();
    await assert.rejects(
      withFileLock(lockPath, () => Promise.resolve(), { timeoutMs: 300 }),
      hasCode("ESTORELOCK"),
    );
    assert.ok(Date.now() - started < 5000);
    assert.equal(await readFile(lockPath, "utf8"), `${process.pid} ${hostname()} someone-else`);
  });
});
