// User namespaces joined by path and id-mapped mounts, without root: what the checker takes
// and refuses, how the joined namespace's maps become the config's, and what translation
// hands liblxc and the idmap start-host hook.
import { describe, expect, test } from "bun:test";
import { translate, type TranslateContext } from "../../src/lxc/translate.ts";
import { statSync } from "node:fs";
import { adoptJoinedMaps, checkJoinedUserns, parseMaps } from "../../src/host/userns.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import type { Mount, Spec } from "../../src/spec/types.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { errorOf } from "./error-of.ts";

const ctx: TranslateContext = {
  id: "c1",
  bundle: "/b",
  rootfs: "/b/rootfs",
  runtimeDir: "/run/lxcri/c1",
  cgroup: "v2",
  logLevel: "warn",
  isRuntimeNamespace: () => false,
  cgroupHierarchies: [],
  hardRlimits: {},
  stat: (p) => (p.startsWith("/data") || p === "/sys" ? "dir" : "missing"),
  resolve: (p) => p,
  startHostHook: { exeFd: 7, reportFd: 9 },
  warn: () => {},
};
const MAP = [{ containerID: 0, hostID: 100000, size: 65536 }];
const raw = (edit: (s: Spec) => void): Spec => {
  const s = defaultSpec(["true"]);
  edit(s);
  return s;
};
const spec = (edit: (s: Spec) => void): Spec => validateSpec(raw(edit));
const ownUserns = (s: Spec) => {
  s.linux!.namespaces!.push({ type: "user" });
  s.linux!.uidMappings = MAP;
  s.linux!.gidMappings = MAP;
};
const joined = (s: Spec) => s.linux!.namespaces!.push({ type: "user", path: "/proc/42/ns/user" });
const withMount =
  (m: Mount, userns = ownUserns) =>
  (s: Spec) => {
    userns(s);
    s.mounts!.push(m);
  };
const values = (s: Spec, key: string) =>
  translate(s, ctx)
    .items.filter(([k]) => k === key)
    .map(([, v]) => v);
const hex = (s: string) => Buffer.from(s).toString("hex");

describe("a user namespace joined by path", () => {
  test("is taken without maps; with maps, both; a new one still needs them", () => {
    expect(spec(joined).linux!.uidMappings).toBeUndefined();
    expect(errorOf(() => spec((s) => (joined(s), (s.linux!.uidMappings = MAP))))).toBe(
      "config.json: linux.uidMappings: give both linux.uidMappings and linux.gidMappings of the joined user namespace, or neither",
    );
    expect(errorOf(() => spec((s) => s.linux!.namespaces!.push({ type: "user" })))).toContain(
      "a new user namespace needs linux.uidMappings and linux.gidMappings",
    );
  });

  test("its maps, read from it, become the config's: liblxc shares it and gets lxc.idmap", () => {
    const s = spec(joined);
    const seen: string[] = [];
    adoptJoinedMaps(s, (path, at) => {
      seen.push(`${at} ${path}`);
      return parseMaps("u 0 100000 65536\ng 0 200000 1000\ng 1000 1000 1\n");
    });
    expect(seen).toEqual(["linux.namespaces[6].path /proc/42/ns/user"]);
    expect(s.linux!.gidMappings).toEqual([
      { containerID: 0, hostID: 200000, size: 1000 },
      { containerID: 1000, hostID: 1000, size: 1 },
    ]);
    expect(values(s, "lxc.namespace.share.user")).toEqual(["/proc/42/ns/user"]);
    expect(values(s, "lxc.namespace.clone")[0]).not.toContain("user");
    expect(values(s, "lxc.idmap")).toEqual(["u 0 100000 65536", "g 0 200000 1000", "g 1000 1000 1"]);
  });

  test("create checks init ended up in the namespace whose maps it read (liblxc opens the path again)", () => {
    const own = statSync(`/proc/${process.pid}/ns/user`);
    const read = parseMaps(`n ${own.dev} ${own.ino}\nu 0 100000 65536\n`);
    expect(read.ns).toEqual({ dev: own.dev, ino: own.ino });
    checkJoinedUserns(process.pid, read, "/proc/42/ns/user");
    expect(errorOf(() => checkJoinedUserns(process.pid, { ...read, ns: { dev: own.dev, ino: own.ino + 1 } }, "/proc/42/ns/user"))).toBe(
      "config.json: linux.namespaces: the user namespace at /proc/42/ns/user changed while the container was created (its process exited?)",
    );
  });

  test("maps the config gives must be the namespace's (in any order); its root must be mapped", () => {
    const given = spec((s) => {
      joined(s);
      s.linux!.uidMappings = [
        { containerID: 1, hostID: 100001, size: 10 },
        { containerID: 0, hostID: 100000, size: 1 },
      ];
      s.linux!.gidMappings = MAP;
    });
    const read = () => ({
      uid: [
        { containerID: 0, hostID: 100000, size: 1 },
        { containerID: 1, hostID: 100001, size: 10 },
      ],
      gid: MAP,
    });
    adoptJoinedMaps(given, read);
    const other = spec((s) => {
      joined(s);
      s.linux!.uidMappings = MAP;
      s.linux!.gidMappings = [{ containerID: 0, hostID: 300000, size: 65536 }];
    });
    expect(errorOf(() => adoptJoinedMaps(other, () => ({ uid: MAP, gid: MAP })))).toBe(
      "config.json: linux.gidMappings: 0:300000:65536 do not match the maps of the user namespace at /proc/42/ns/user: 0:100000:65536",
    );
    const rootless = spec(joined);
    expect(errorOf(() => adoptJoinedMaps(rootless, () => ({ uid: [{ containerID: 1, hostID: 1000, size: 1 }], gid: MAP })))).toContain(
      "linux.namespaces[6].path: the user namespace at /proc/42/ns/user does not map uid and gid 0",
    );
    // nothing to read without one
    adoptJoinedMaps(spec(ownUserns), () => {
      throw new Error("read");
    });
  });
});

describe("namespaces the joined user namespace does not own", () => {
  test("the monitor joins them (liblxc neither shares nor clones them); sysfs is the host's, bound read-only", () => {
    const s = spec((s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "network");
      s.linux!.namespaces!.push({ type: "network", path: "/run/netns/pod" });
      joined(s);
      s.linux!.uidMappings = s.linux!.gidMappings = MAP;
    });
    const t = translate(s, { ...ctx, joinedByMonitor: ["network"], sysfsFromHost: true, cgroupV2Base: "/sys/fs/cgroup" });
    const items = (key: string) => t.items.filter(([k]) => k === key).map(([, v]) => v);
    expect(items("lxc.namespace.share.net")).toEqual([]);
    expect(items("lxc.namespace.share.user")).toEqual(["/proc/42/ns/user"]);
    expect(items("lxc.namespace.clone")[0]).not.toContain("net");
    expect(items("lxc.mount.entry").filter((e) => e.includes(" sys "))).toEqual(["/sys sys none rbind,nosuid,noexec,nodev,ro 0 0"]);
    expect(t.setup.recursive).toContainEqual({ path: "/sys", set: 1, clr: 0 });
    // on pure cgroup v2, even with a cgroup namespace: the container's cgroup bound, not a cgroup2 mount on the host's
    const v2 = spec(() => {}); // runc spec's: a cgroup namespace and a cgroup mount
    const cg = (sysfsFromHost: boolean) =>
      translate(v2, { ...ctx, sysfsFromHost, cgroupV2Base: "/sys/fs/cgroup" })
        .items.filter(([k, v]) => k === "lxc.mount.entry" && v.includes("sys/fs/cgroup"))
        .map(([, v]) => v);
    expect(cg(true)).toEqual(["/sys/fs/cgroup/lxc.payload.c1 sys/fs/cgroup none rbind,nosuid,noexec,nodev,relatime,ro,create=dir 0 0"]);
    expect(cg(false)).toEqual(["cgroup2 sys/fs/cgroup cgroup2 nosuid,noexec,nodev,relatime,ro,create=dir 0 0"]);
    // otherwise a sysfs of its own
    expect(values(s, "lxc.mount.entry").filter((e) => e.includes(" sys "))).toEqual(["sysfs sys sysfs nosuid,noexec,nodev,ro 0 0"]);
  });
});

describe("id-mapped mounts", () => {
  const vol = { destination: "/vol", type: "bind", source: "/data", options: ["rbind", "rw"] } as Mount;

  test("the checker: bind mounts only, both maps, maps the kernel takes, a user namespace for the container's, nothing below", () => {
    const err = (edit: (s: Spec) => void) => errorOf(() => spec(edit));
    expect(err(withMount({ destination: "/t", type: "tmpfs", source: "tmpfs", options: ["idmap"] }))).toBe(
      'config.json: mounts[7]: "idmap": only bind mounts can be id-mapped',
    );
    expect(err(withMount({ ...vol, destination: "/", options: ["rbind", "idmap"] }))).toContain(
      'config.json: mounts[7].destination: "idmap" on "/" is not supported: the runtime-spec has no id-mapped rootfs; map the rootfs before create and give it as root.path',
    );
    expect(err(withMount({ ...vol, uidMappings: MAP }))).toBe(
      "config.json: mounts[7].gidMappings: an id-mapped mount needs both uidMappings and gidMappings",
    );
    expect(err(withMount({ ...vol, uidMappings: [...MAP, { containerID: 65535, hostID: 0, size: 2 }], gidMappings: MAP }))).toBe(
      "config.json: mounts[7].uidMappings[1]: overlaps mounts[7].uidMappings[0] in containerID",
    );
    expect(err(withMount({ ...vol, uidMappings: [{ containerID: 0, hostID: 4294967295, size: 2 }], gidMappings: MAP }))).toBe(
      "config.json: mounts[7].uidMappings[0]: goes past id 4294967295",
    );
    expect(err(withMount({ ...vol, uidMappings: [{ containerID: 0, hostID: 1, size: 0 }], gidMappings: MAP }))).toBe(
      "config.json: mounts[7].uidMappings[0].size: must not be 0",
    );
    expect(err(withMount({ ...vol, options: ["rbind", "idmap", "rshared"] }))).toBe(
      "config.json: mounts[7].options: an id-mapped mount with shared propagation is not supported",
    );
    expect(err(withMount({ ...vol, options: ["bind", "idmap"] }, () => {}))).toContain(
      "mounts[7].options: an id-mapped mount without uidMappings and gidMappings takes the container's user namespace's: it needs one",
    );
    expect(
      err((s) => {
        withMount({ ...vol, options: ["bind", "idmap"] })(s);
        s.mounts!.push({ destination: "/vol/sub", type: "tmpfs", source: "tmpfs" });
      }),
    ).toContain('mounts[8].destination: is at or below mounts[7].destination "/vol", an id-mapped mount');
    // maps of its own need no user namespace: the kernel maps for the host's processes too
    expect(spec(withMount({ ...vol, uidMappings: MAP, gidMappings: MAP }, () => {})).mounts![7]!.uidMappings).toEqual(MAP);
  });

  test("translation: liblxc binds the source (optional, no idmap option), the second start-host hook maps it", () => {
    const s = spec((s) => {
      ownUserns(s);
      s.mounts!.push({ ...vol, options: ["rbind", "ro", "nosuid", "idmap"] });
      s.mounts!.push({
        destination: "/other",
        type: "bind",
        source: "/data/x",
        options: ["bind", "ridmap"],
        uidMappings: [
          { containerID: 0, hostID: 1000, size: 1 },
          { containerID: 1, hostID: 200000, size: 10 },
        ],
        gidMappings: MAP,
      });
      s.mounts!.push({ destination: "/shared", type: "bind", source: "/data/s", options: ["rbind", "rshared"] });
      s.linux!.rootfsPropagation = "rshared"; // a shared bind joins the host's peer group only under a shared root (runc)
    });
    const t = translate(s, ctx);
    const entries = t.items.filter(([k]) => k === "lxc.mount.entry").map(([, v]) => v);
    expect(entries).toContain("/data vol none rbind,ro,nosuid,optional 0 0");
    expect(entries).toContain("/data/x other none bind,optional 0 0");
    const hooks = t.items.filter(([k]) => k === "lxc.hook.start-host").map(([, v]) => v);
    expect(hooks).toHaveLength(2);
    expect(hooks[0]).toContain(" propagate ");
    // RDONLY|NOSUID set on the top mount; the container's namespace ("c"); the second its own maps, recursively
    expect(hooks[1]).toBe(
      `/proc/self/fd/7 idmap 9 ${hex("/data")} ${hex("/vol")} 1 0 3 0 c c ${hex("/data/x")} ${hex("/other")} 0 1 0 0 0:1000:1/1:200000:10 0:100000:65536`,
    );
    expect(t.idmapped.map((m) => m.index)).toEqual([7, 8]);
    expect(values(s, "lxc.hook.version")).toEqual(["1"]);
  });

  test("a destination the rootfs's symlinks lead below an id-mapped mount is refused", () => {
    const s = spec((s) => {
      ownUserns(s);
      s.mounts!.push({ ...vol, options: ["bind", "idmap"] });
      s.mounts!.push({ destination: "/link/x", type: "tmpfs", source: "tmpfs" });
    });
    const resolve = (p: string) => p.replace(/^\/link/, "/vol");
    expect(errorOf(() => translate(s, { ...ctx, resolve }))).toContain(
      'mounts[8].destination: resolves in the rootfs to "/vol/x", at or below mounts[7].destination, an id-mapped mount',
    );
  });
});
