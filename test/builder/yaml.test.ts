// The image YAML loader on LinuxKit's own examples and tests, and the errors it points at.
import assert from "node:assert/strict";
import { globSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import {
  loadImageConfig,
  readImageConfig,
  validateImageFiles,
} from "../../harness/builder/yaml/load.ts";
import { HarnessErrors, formatLocation, type HarnessError } from "../../harness/errors.ts";
import { LINUXKIT_CASES, harness, needCorpus, tempDir } from "../helpers/cli.ts";

const KERNEL = "kernel:\n  image: linuxkit/kernel:6.12.59\n";

/** Writes `lines` as one YAML file in a fresh folder and returns its path. */
async function yamlFile(lines: string[], name = "image.yml", dir?: string): Promise<string> {
  const file = join(dir ?? (await tempDir()), name);
  await writeFile(file, `${lines.join("\n")}\n`);
  return file;
}

/** Each error as "line:column message [CODE]", file names dropped, for exact comparisons. */
function brief(errors: readonly HarnessError[]): string[] {
  return errors.map((e) => `${e.at?.line}:${e.at?.column} ${e.message} [${e.code}]`);
}

describe("LinuxKit image YAML", () => {
  describe("LinuxKit's own files", () => {
    let corpus = "";
    before(function () {
      corpus = needCorpus(this);
    });

    it("accepts the examples; static-ip.yml fails only on its broken block scalar", async () => {
      const files = globSync(join(corpus, "examples", "*.yml")).sort();
      assert.equal(files.length, 33);
      for (const file of files) {
        const errors = await validateImageFiles([file]);
        if (file.endsWith("static-ip.yml")) {
          // A comment at column 1 inside `contents: |` ends the scalar; libyaml rejects it too.
          assert.ok(errors.length > 0);
          assert.ok(errors.every((e) => e.code === "EYAML"));
          assert.equal(formatLocation(errors[0]?.at ?? { file: "" }), `${file}:27:1`);
        } else {
          assert.deepEqual(brief(errors), [], file);
        }
      }
    });

    it("accepts every test.yml; rejects 002_rw_on_ro as its test.sh expects", async () => {
      const files = globSync(join(LINUXKIT_CASES, "**", "test.yml")).sort();
      assert.equal(files.length, 136);
      for (const file of files) {
        const errors = await validateImageFiles([file]);
        if (relative(LINUXKIT_CASES, file) === "000_build/070_volumes/002_rw_on_ro/test.yml") {
          assert.deepEqual(brief(errors), [
            '12:9 onboot[0].binds[1] is "vola:/vola": volume "vola" is read-only but is mounted read-write [EIMAGEMOUNT]',
          ]);
        } else {
          assert.deepEqual(brief(errors), [], file);
        }
      }
    });

    it("rejects 091_validate_linuxkit_yaml's unknown top-level field", async () => {
      const file = join(LINUXKIT_CASES, "000_build", "091_validate_linuxkit_yaml", "linuxkit.yml");
      assert.deepEqual(brief(await validateImageFiles([file])), [
        '1:1 unknown field "unknownField" in (top level) [EIMAGEYAML]',
      ]);
    });

    it("composes common.yml with a namespace test as that test.sh does", async () => {
      const dir = join(LINUXKIT_CASES, "020_kernel", "200_namespace");
      const common = join(dir, "common.yml");
      const test = join(dir, "010_veth", "010_echo-tcp-ipv4-short-1con-single", "test.yml");
      const config = await loadImageConfig([common, test]);
      assert.deepEqual(config.sources, [common, test]);
      assert.equal(config.kernel.image, "linuxkit/kernel:6.12.59");
      assert.deepEqual(config.kernel.at.image, { file: common, line: 2, column: 10 });
      assert.deepEqual(
        config.init.map((i) => i.at.file),
        [common, common],
      );
      assert.deepEqual(
        config.onboot.map((c) => [c.name, c.section, c.at.file, c.at.line]),
        [
          ["test-ns", "onboot", test, 2],
          ["poweroff", "onboot", test, 8],
        ],
      );
    });
  });

  describe("composition", () => {
    it("overrides kernel fields, appends lists in order, and resolves names across files", async () => {
      const dir = await tempDir();
      const a = await yamlFile(
        [
          KERNEL + "  cmdline: console=ttyS0\n  tar: kernel.tar",
          "init: [linuxkit/init:v1]",
          "volumes: [{ name: data }]",
          "onboot: [{ name: one, image: alpine:3.20 }]",
          "services: [{ name: web, image: nginx:1.27 }]",
          "files: [{ path: etc/a, contents: a, uid: web }]",
        ],
        "a.yml",
        dir,
      );
      const b = await yamlFile(
        [
          'kernel: { image: "", cmdline: quiet, tar: "" }',
          "init: [linuxkit/runc:v1]",
          "onboot: [{ name: two, image: alpine:3.20, binds: ['data:/data'] }]",
          "services: [{ name: db, image: redis:7, uid: one }]",
          "files: [{ path: etc/b, directory: true }]",
        ],
        "b.yml",
        dir,
      );
      const config = await loadImageConfig([a, b]);
      // "" never overrides image or cmdline; tar and ucode are overridden whenever written.
      assert.equal(config.kernel.image, "linuxkit/kernel:6.12.59");
      assert.equal(config.kernel.cmdline, "quiet");
      assert.equal(config.kernel.tar, "");
      assert.equal(config.kernel.at.cmdline?.file, b);
      assert.equal(config.kernel.at.image?.file, a);
      assert.deepEqual(
        config.init.map((i) => i.image),
        ["linuxkit/init:v1", "linuxkit/runc:v1"],
      );
      assert.deepEqual(
        config.onboot.map((c) => c.name),
        ["one", "two"],
      );
      assert.deepEqual(
        config.services.map((c) => [c.name, c.at.file]),
        [
          ["web", a],
          ["db", b],
        ],
      );
      assert.deepEqual(
        config.files.map((f) => f.path),
        ["etc/a", "etc/b"],
      );
    });

    it("rejects a service name repeated in a later file, at the repeat", async () => {
      const dir = await tempDir();
      const a = await yamlFile(["services:", "  - name: web", "    image: nginx"], "a.yml", dir);
      const b = await yamlFile(["services:", "  - name: web", "    image: caddy"], "b.yml", dir);
      const errors = await validateImageFiles([a, b]);
      assert.deepEqual(brief(errors), [
        '2:11 services[0].name: a second service named "web" [EIMAGENAME]',
      ]);
      assert.equal(errors[0]?.at?.file, b);
      assert.match(errors[0]?.hint ?? "", new RegExp(`first is at ${a}:2:11`));
    });

    it("allows repeated onboot names, as LinuxKit numbers onboot containers", async () => {
      const file = await yamlFile([
        "onboot:",
        "  - { name: format, image: linuxkit/format:v1 }",
        "  - { name: format, image: linuxkit/format:v1 }",
      ]);
      assert.deepEqual(await validateImageFiles([file]), []);
    });
  });

  describe("located errors", () => {
    it("points at an unknown field's key and suggests the right one", async () => {
      const file = await yamlFile([
        "services:",
        "  - name: getty",
        "    image: linuxkit/getty:v1",
        "    bnds:",
        "      - /etc:/etc",
      ]);
      const [error, ...rest] = await validateImageFiles([file]);
      assert.deepEqual(rest, []);
      assert.equal(
        error?.describe().split("\n")[0],
        `${file}:4:5: unknown field "bnds" in services[0] [EIMAGEYAML]`,
      );
      assert.match(error?.hint ?? "", /did you mean "binds"\?/);
      assert.equal(error?.exitCode, 2);
    });

    it("points at a mistyped value", async () => {
      const file = await yamlFile([
        "onboot:",
        "  - name: mount",
        "    image: linuxkit/mount:v1",
        '    binds: "/var:/var"',
      ]);
      const errors = await validateImageFiles([file]);
      assert.deepEqual(brief(errors), [
        '4:12 onboot[0].binds must be array (got "/var:/var") [EIMAGEYAML]',
      ]);
      assert.equal(errors[0]?.at?.file, file);
      assert.match(errors[0]?.hint ?? "", /YAML list of strings/);
    });

    it("points at a YAML syntax error", async () => {
      const file = await yamlFile(["onboot:", "  - name: x", "    image: alpine: 3.20"]);
      const errors = await validateImageFiles([file]);
      assert.deepEqual(brief(errors), [
        "3:12 invalid YAML: Nested mappings are not allowed in compact mappings [EYAML]",
      ]);
      assert.equal(errors[0]?.at?.file, file);
    });

    it("points at bad files entries", async () => {
      const file = await yamlFile([
        "files:",
        "  - path: etc/motd",
        "    contents: hello",
        "    source: ./motd",
        "  - path: etc/empty",
        "    mode: '0644'",
        "  - path: etc/hosts",
        "    contents: localhost",
        "    mode: '0x644'",
        "  - path: etc/issue",
        "    contents: hi",
        "    mode: 0644",
      ]);
      const errors = await validateImageFiles([file]);
      assert.deepEqual(brief(errors), [
        "4:13 files[0].source: etc/motd sets contents and source, but only one may be set [EIMAGEFILES]",
        "5:5 files[1] (etc/empty) does not say what to put there [EIMAGEFILES]",
        '9:11 files[2].mode is "0x644", not octal permission bits [EIMAGEFILES]',
        "12:11 files[3].mode must be string (got 644) [EIMAGEYAML]",
      ]);
      assert.ok(errors.every((e) => e.at?.file === file));
      assert.match(errors[3]?.hint ?? "", /quoted octal string/);
    });

    it("reports every problem of every file together, in file order", async () => {
      const dir = await tempDir();
      const a = await yamlFile(
        [
          "kernel:",
          "  image: Linuxkit/Kernel:6.12",
          "onboot:",
          "  - name: sysctl",
          "    image: linuxkit/sysctl:v1",
          "    capabilities: [CAP_SYS_ADMN]",
          "    rlimits: ['nofile,many,10']",
          "    uid: nobody",
          "    net: newns",
        ],
        "a.yml",
        dir,
      );
      const b = await yamlFile(
        [
          "services:",
          "  - name: web",
          "    image: nginx",
          "    binds: [cache:/cache]",
          "files: [{ path: etc/x, contents: 1 }]",
          "trsut: {}",
        ],
        "b.yml",
        dir,
      );
      const rejection = await loadImageConfig([a, b]).then(
        () => assert.fail("expected the image to be rejected"),
        (error: unknown) => error,
      );
      assert.ok(rejection instanceof HarnessErrors);
      assert.equal(rejection.exitCode, 2);
      assert.deepEqual(
        rejection.errors.map(
          (e) => `${relative(dir, e.at?.file ?? "")}:${e.at?.line}:${e.at?.column} ${e.code}`,
        ),
        [
          "a.yml:2:10 EIMAGEREF",
          "a.yml:6:20 EIMAGECONTAINER",
          "a.yml:7:15 EIMAGECONTAINER",
          "a.yml:8:10 EIMAGEID",
          "a.yml:9:10 EIMAGECONTAINER",
          "b.yml:4:13 EIMAGEMOUNT",
          "b.yml:5:34 EIMAGEYAML",
          "b.yml:6:1 EIMAGEYAML",
        ],
      );
      const hints = rejection.errors.map((e) => e.hint ?? "");
      assert.match(hints[0] ?? "", /lower case/);
      assert.match(hints[1] ?? "", /did you mean "CAP_SYS_ADMIN"/);
      assert.match(hints[7] ?? "", /did you mean "trust"/);
    });

    it("checks volume references once the volumes section is whole", async () => {
      const file = await yamlFile([
        "volumes: [{ name: logs, readonly: true }]",
        "onboot:",
        "  - name: a",
        "    image: alpine:3.20",
        "    binds: [logs:/logs, cache:/cache]",
        "    mounts: [{ type: bind, source: logs, destination: /l, options: [ro] }]",
      ]);
      assert.deepEqual(brief(await validateImageFiles([file])), [
        '5:13 onboot[0].binds[0] is "logs:/logs": volume "logs" is read-only but is mounted read-write [EIMAGEMOUNT]',
        '5:25 onboot[0].binds[1] is "cache:/cache": "cache" is neither an absolute path nor a volume in volumes: [EIMAGEMOUNT]',
      ]);
    });

    it("says when a file is missing or empty", async () => {
      const dir = await tempDir();
      const missing = join(dir, "nope.yml");
      const empty = await yamlFile(["# nothing"], "empty.yml", dir);
      assert.deepEqual(
        (await validateImageFiles([missing, empty])).map((e) => [e.code, e.at?.file]),
        [
          ["ENOTFOUND", missing],
          ["EIMAGEYAML", empty],
        ],
      );
    });

    it("still returns the entries that passed, for callers that want both", async () => {
      const file = await yamlFile([
        "services:",
        "  - { name: ok, image: nginx }",
        "  - { name: bad, image: nginx, pid: 1 }",
      ]);
      const { config, errors } = await readImageConfig([file]);
      assert.deepEqual(
        config.services.map((s) => s.name),
        ["ok"],
      );
      assert.deepEqual(brief(errors), ["3:37 services[1].pid must be string (got 1) [EIMAGEYAML]"]);
    });
  });

  describe("harness validate", () => {
    it("checks an image case's YAML fully and a script case's YAML for syntax", async () => {
      const root = await tempDir();
      const badUid = ["onboot:", "  - name: x", "    image: alpine", "    uid: nobody"];
      await mkdir(join(root, "010_image"));
      await writeFile(join(root, "010_image", "case.yml"), "summary: an image case\n");
      const imageYaml = await yamlFile(badUid, "test.yml", join(root, "010_image"));
      await mkdir(join(root, "020_script"));
      await writeFile(join(root, "020_script", "test.sh"), "#!/bin/sh\n# SUMMARY: s\nexit 0\n");
      await yamlFile(badUid, "test.yml", join(root, "020_script"));
      const result = await harness(["validate", root]);
      assert.equal(result.exitCode, 2);
      const located = result.stderr.split("\n").filter((line) => line.includes("test.yml:"));
      assert.deepEqual(located, [
        `harness: ${imageYaml}:4:10: onboot[0].uid is "nobody", which names no container [EIMAGEID]`,
      ]);
    });

    it("exits 2 and prints the location of a bad image file", async () => {
      const file = await yamlFile([
        "onboot:",
        "  - name: x",
        "    image: alpine",
        "    tmpfs: '/tmp'",
      ]);
      const result = await harness(["validate", file]);
      assert.equal(result.exitCode, 2);
      assert.ok(
        result.stderr.includes(`${file}:4:12: onboot[0].tmpfs must be array`),
        result.stderr,
      );
    });
  });
});
