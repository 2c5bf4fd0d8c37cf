// Issue 11, class of CVE-2021-30465: mount destinations inside a volume that
// another container can write. Container A has the host volume V at /vol and
// keeps exchanging /vol/d (a directory) with /vol/lnk (a symlink to /) with
// renameat2(RENAME_EXCHANGE); container B, with V at /vol and a tmpfs at
// /vol/d/<name>, is created again and again. If the runtime resolves the
// destination, then mounts by path, the tmpfs (and the directory made for it)
// lands on "/" + <name> outside B's rootfs: on the host's root before
// pivot_root. Nothing may appear on the host (no mount, no directory), V may
// only have what A does to it, and B's tmpfs is inside B or create fails.
//
// runc 1.1.5 (fixed in 1.0.0-rc95): mounts through /proc/self/fd of a
// securejoin'ed path, refusing to leave the rootfs.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, testRoot } from "../../helpers.ts";
import {
  attackTool,
  bundle,
  cleanupAttackRoot,
  hostMounts,
  newMounts,
  outMount,
  plant,
  removeScratch,
  runtime,
  snapshotTree,
  tempDir,
} from "./attack-helpers.ts";

const root = testRoot("attack-mountrace");
// what a mount through the symlink would make on the host's root
const NAME = `lxcri-attack-race-${process.pid}`;
afterAll(() => {
  cleanupAttackRoot(root);
  removeScratch();
  // the directory a lost race would have made on the host (a test's own; never anything else)
  try {
    rmdirSync(join("/", NAME));
  } catch {
    /* not there: good */
  }
}, 60_000);

describe.skipIf(!canRunContainers)("attack: mount destinations in a volume another container swaps (CVE-2021-30465 class)", () => {
  test("a tmpfs destination inside a shared volume, while another container swaps a directory on its way with a symlink to /: nothing on the host", () => {
    const lx = runtime(LXCRI, root);
    const vol = tempDir("volume");
    chmodSync(vol, 0o755);
    mkdirSync(join(vol, "d"));
    writeFileSync(join(vol, "d", "sentinel"), "in the volume\n");
    symlinkSync("/", join(vol, "lnk"));
    const before = { mounts: hostMounts(), rootDirs: existsSync(join("/", NAME)) };
    const volumeFiles = () => snapshotTree(vol).filter((l) => !/\/(d|lnk)( |\/)/.test(l.replace(vol, ""))).length;
    const filesBefore = volumeFiles();

    const a = bundle(["/pwn", "swap", "/vol/d", "/vol/lnk", "25"], (s) => s.mounts!.push(outMount(vol, "/vol")));
    plant(a, "/pwn", attackTool());
    expect(lx(["create", "--bundle", a, "swapper"]).code).toBe(0);
    expect(lx(["start", "swapper"]).code).toBe(0);

    const outcomes: string[] = [];
    const problems: string[] = [];
    const deadline = Date.now() + 20_000;
    for (let i = 0; i < 25 && Date.now() < deadline; i++) {
      const id = `victim${i}`;
      const b = bundle(["sleep", "30"], (s) => {
        s.mounts!.push(outMount(vol, "/vol"), { destination: `/vol/d/${NAME}`, type: "tmpfs", source: "tmpfs", options: ["size=1m"] });
      });
      const c = lx(["create", "--bundle", b, id], { timeoutMs: 15_000 });
      if (c.code === 0) {
        outcomes.push("created");
        const pid = JSON.parse(lx(["state", id]).stdout).pid as number;
        // B's tmpfs must be inside B's volume: at /vol/d/NAME, or wherever A's renames
        // (RENAME_EXCHANGE of d and lnk) have since moved that directory within the volume
        const mine = readFileSync(`/proc/${pid}/mountinfo`, "utf8")
          .split("\n")
          .filter((l) => l.includes(` tmpfs tmpfs `) && l.includes(NAME));
        if (!mine.some((l) => [`/vol/d/${NAME}`, `/vol/lnk/${NAME}`].includes(l.split(" ")[4]!)))
          problems.push(`${id}: its tmpfs is not in the volume: ${mine.join(" | ") || "(nowhere)"}`);
      } else outcomes.push(`refused (${c.stderr.trim().slice(0, 100)})`);
      lx(["delete", "--force", id]);
      if (existsSync(join("/", NAME)) && !problems.some((p) => p.includes("host's root")))
        problems.push(`${id}: /${NAME} appeared on the host's root`);
    }
    lx(["delete", "--force", "swapper"]);
    console.log(
      `B: ${outcomes.length} tries: ${outcomes.filter((o) => o === "created").length} created; ${[...new Set(outcomes.filter((o) => o !== "created"))].join("; ")}`,
    );
    expect(problems).toEqual([]);
    expect(newMounts(before.mounts, [vol, `/${NAME}`])).toEqual([]);
    expect(existsSync(join("/", NAME))).toBe(before.rootDirs);
    // the volume: still d and lnk (in some order) and nothing else new
    expect(volumeFiles()).toBe(filesBefore);
  }, 30_000);
});
