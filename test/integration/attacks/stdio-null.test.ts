// lxcri-init swaps a caller's /dev/null stdio (the host's /dev, a mount CRIU cannot reach
// from the container) for the container's own /dev/null, so the container can be
// checkpointed. The image decides what /dev/null is when the config mounts no
// /dev: a FIFO there must not block create, a regular file or a symlink must not become
// the process's stdin. Only a character device 1:3 is taken.
import { afterAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Spec } from "../../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, lxcri, state, testRoot, waitFor } from "../../helpers.ts";

const root = testRoot("attack-stdio-null");
afterAll(() => cleanupRoot(root));

/** The mount id of a process's fd (fdinfo), and whether that mount is in the process's own mount table. */
function fdMount(pid: number, fd: number): { id: string; inContainer: boolean } {
  const id = /^mnt_id:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8"))![1]!;
  const ids = readFileSync(`/proc/${pid}/mountinfo`, "utf8")
    .split("\n")
    .map((l) => l.split(" ")[0]);
  return { id, inContainer: ids.includes(id) };
}

/** A container whose process reads its stdin to the end into /got (a writable rootfs), then sleeps. */
function start(id: string, edit?: (s: Spec, rootfs: string) => void): { pid: number; got: string } {
  let rootfs = "";
  const b = bundle(["sh", "-c", "cat > /got.part; mv /got.part /got; sleep 1000"], (s) => {
    s.root.readonly = false;
    rootfs = s.root.path;
  });
  const r = join(b, rootfs);
  if (edit) {
    const file = join(b, "config.json");
    const spec = JSON.parse(readFileSync(file, "utf8")) as Spec;
    edit(spec, r);
    writeFileSync(file, JSON.stringify(spec));
  }
  const created = lxcri(root, ["create", "--bundle", b, id]);
  expect(created.stderr).toBe("");
  expect(lxcri(root, ["start", id]).code).toBe(0);
  return { pid: state(root, id).pid, got: join(r, "got") };
}

/** What the process read from its stdin (undefined until it got EOF and wrote it). */
const read = (file: string) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};

/** No /dev mount: the image's /dev is the container's. */
const noDevMount = (s: Spec) => {
  s.mounts = (s.mounts ?? []).filter((m) => !m.destination.startsWith("/dev"));
};

describe.skipIf(!canRunContainers)("a caller's /dev/null stdio and the image's /dev/null", () => {
  test("the container's own /dev/null takes its place (a mount in the container: CRIU can checkpoint it)", async () => {
    const { pid, got } = start("null-ok");
    expect(readlinkSync(`/proc/${pid}/fd/0`)).toBe("/dev/null");
    // on the old code fd 0 was on the host's /dev, which the container's mount table lacks
    expect(fdMount(pid, 0).inContainer).toBe(true);
    await waitFor(() => read(got) === "", 10_000, "an empty stdin read");
    expect(lxcri(root, ["delete", "--force", "null-ok"]).code).toBe(0);
  });

  test("a FIFO at the image's /dev/null: create does not block, stdin stays the caller's", async () => {
    const { pid, got } = start("null-fifo", (s, r) => {
      noDevMount(s);
      rmSync(join(r, "dev", "null"), { force: true });
      execFileSync("mkfifo", [join(r, "dev", "null")]);
    });
    expect(fdMount(pid, 0).inContainer).toBe(false);
    await waitFor(() => read(got) === "", 10_000, "an empty stdin read");
    expect(lxcri(root, ["delete", "--force", "null-fifo"]).code).toBe(0);
  });

  test("a regular file or a symlink at the image's /dev/null: never the process's stdin", async () => {
    for (const [id, plant] of [
      ["null-file", (r: string) => writeFileSync(join(r, "dev", "null"), "FROM THE IMAGE\n")],
      [
        "null-link",
        (r: string) => {
          writeFileSync(join(r, "secret"), "SECRET\n");
          symlinkSync("/secret", join(r, "dev", "null"));
        },
      ],
    ] as const) {
      const { pid, got } = start(id, (s, r) => {
        noDevMount(s);
        rmSync(join(r, "dev", "null"), { force: true });
        plant(r);
      });
      expect(fdMount(pid, 0).inContainer).toBe(false);
      await waitFor(() => read(got) === "", 10_000, "an empty stdin read");
      expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
    }
  });
});
