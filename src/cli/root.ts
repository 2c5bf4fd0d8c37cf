// The root command: global flags, then one lazily imported file per command.
import { defineCommand } from "citty";
import { LxcriError } from "../errors.ts";
import { globalArgs, globals } from "./globals.ts";
import { VERSION } from "./version.ts";

export const commands = {
  create: () => import("./commands/create.ts").then((m) => m.default),
  start: () => import("./commands/start.ts").then((m) => m.default),
  state: () => import("./commands/state.ts").then((m) => m.default),
  kill: () => import("./commands/kill.ts").then((m) => m.default),
  delete: () => import("./commands/delete.ts").then((m) => m.default),
  exec: () => import("./commands/exec.ts").then((m) => m.default),
  pause: () => import("./commands/pause.ts").then((m) => m.default),
  resume: () => import("./commands/resume.ts").then((m) => m.default),
  ps: () => import("./commands/ps.ts").then((m) => m.default),
  update: () => import("./commands/update.ts").then((m) => m.default),
  events: () => import("./commands/events.ts").then((m) => m.default),
  run: () => import("./commands/run.ts").then((m) => m.default),
  list: () => import("./commands/list.ts").then((m) => m.default),
  spec: () => import("./commands/spec.ts").then((m) => m.default),
  features: () => import("./commands/features.ts").then((m) => m.default),
  hooks: () => import("./commands/hooks.ts").then((m) => m.default),
};

export const rootCommand = defineCommand({
  meta: { name: "lxcri", version: VERSION, description: "OCI container runtime on LXC" },
  args: globalArgs,
  setup({ args }) {
    globals.root = args.root;
    globals.log = args.log || undefined;
    if (args["log-format"] !== "text" && args["log-format"] !== "json")
      throw new LxcriError("invalid-argument", `--log-format: expected text or json, got ${JSON.stringify(args["log-format"])}`);
    globals.logFormat = args["log-format"];
    globals.debug = !!args.debug;
    globals.systemdCgroup = !!args["systemd-cgroup"];
    if (args["hook-timeout"] !== undefined) {
      const n = Number(args["hook-timeout"]);
      if (!Number.isInteger(n) || n <= 0) throw new LxcriError("invalid-argument", `--hook-timeout: expected a positive number of seconds, got ${JSON.stringify(args["hook-timeout"])}`);
      globals.hookTimeout = n;
    }
  },
  subCommands: commands,
});
