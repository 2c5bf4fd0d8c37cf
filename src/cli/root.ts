// The root command: global flags, then one lazily imported file per command.
import { defineCommand } from "citty";
import { applyGlobals, globalArgs } from "./globals.ts";
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
    applyGlobals(args);
  },
  subCommands: commands,
});
