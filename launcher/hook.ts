// `lxcri-launcher hook <dir>`: run by liblxc as lxc.hook.mount, i.e. in the
// container's namespaces after its mounts and before pivot_root. It asks
// `create` (listening on <dir>/hook.sock) to run prestart and createRuntime in
// the runtime's namespaces, then runs createContainer here, in the container's.
import { readFileSync } from "node:fs";
import { readHooks } from "../src/hooks/layout.ts";
import { describeFailure, type HookRecord, runHooks } from "../src/hooks/run.ts";
import { HOOK_PATH_VAR, type MountHookReply, type MountHookResult } from "../src/contract/messages.ts";
import { files } from "../src/container/record.ts";
import type { State } from "../src/spec/types.ts";

/** A process's status fields. /proc here is still the host's: pids are the host's. */
function status(pid: number | "self"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, "utf8").split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

export async function hook(dir: string): Promise<number> {
  const f = files(dir);
  // Our parent is the container's init-to-be.
  const initHostPid = Number(status("self").PPid);
  const initNsPid = Number(status(initHostPid).NSpid!.split(/\s+/).pop());

  let onReply!: (r: MountHookReply) => void;
  const reply = new Promise<MountHookReply>((r) => (onReply = r));
  let buffered = "";
  const socket = await Bun.connect({
    unix: f.hookSocket,
    socket: {
      data(_s, data) {
        buffered += data.toString();
        const nl = buffered.indexOf("\n");
        if (nl >= 0) onReply(JSON.parse(buffered.slice(0, nl)));
      },
      close() {
        onReply({ ok: false, error: "create went away" });
      },
    },
  });
  socket.write(JSON.stringify({ pid: initHostPid }) + "\n");
  const r = await reply;
  if (!r.ok) return 1; // create reports the failing hook

  const result = await createContainer(dir, initNsPid, (rec) => socket.write(JSON.stringify({ hook: rec }) + "\n"));
  socket.write(JSON.stringify(result) + "\n");
  socket.flush();
  socket.end();
  return "error" in result ? 1 : 0;
}

async function createContainer(dir: string, pid: number, trace: (r: HookRecord) => void): Promise<MountHookResult> {
  const f = files(dir);
  const hooks = readHooks(f.hooks, "createContainer");
  if (!hooks.length) return { done: true };
  const base = JSON.parse(readFileSync(f.initState, "utf8")) as State;
  const state: State = { ...base, status: "creating", pid };
  const timeout = Number(JSON.parse(readFileSync(f.processJson, "utf8")).hookTimeout);
  // Hooks without env get the runtime's environment, without liblxc's LXC_* additions,
  // and with the runtime's PATH (a user-namespaced container's monitor runs with another).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("LXC_") && k !== HOOK_PATH_VAR));
  if (process.env[HOOK_PATH_VAR] !== undefined) env.PATH = process.env[HOOK_PATH_VAR];
  const { failure } = await runHooks(hooks, state, {
    defaultTimeout: timeout,
    cwd: state.bundle,
    env,
    onRecord: trace, // create appends it: with a user namespace we could not
  });
  return failure ? { error: describeFailure(failure) } : { done: true };
}
