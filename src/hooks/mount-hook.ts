// The hook launcher at liblxc's mount hook: `lxcri __mount-hook <fd>`, run by
// liblxc (sh -c "exec /proc/self/fd/N __mount-hook <fd>": the sealed lxcri
// executable) in the container's namespaces after its mounts and before
// pivot_root, when the config has prestart, createRuntime or createContainer
// hooks. Over the socket at <fd> (create's, inherited through liblxc: no path
// anyone else could reach) it asks create to run prestart and createRuntime
// in the runtime's namespaces, gets the createContainer hooks, the state and
// the environment for them, runs them here, in the container's namespaces,
// and sends each run's record back for the trace (src/contract/frames.ts).
import { readOnce, setCloexec } from "../../ffi/fds.ts";
import { readText, writeAll } from "../host/fs.ts";
import { FRAME, FrameReader, jsonFrame, jsonPayload } from "../contract/frames.ts";
import type { MountHookMessage } from "../contract/hooks.ts";
import { describeFailure, runHooks } from "./run.ts";

// No node:fs and no Buffer (docs/performance.md): this process starts at every create with hooks
// before liblxc goes on (docs/performance.md, "What start-up costs").

/** A process's status fields. /proc here is still the host's: pids are the host's. */
function status(pid: number | "self"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readText(`/proc/${pid}/status`).split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

function receive(fd: number, reader: FrameReader): MountHookMessage | undefined {
  for (;;) {
    const bytes = readOnce(fd);
    if (bytes === null) return undefined;
    for (const f of reader.push(bytes)) if (f.kind === FRAME.JSON) return jsonPayload(f.payload) as MountHookMessage;
  }
}

export async function mountHook(fd: number): Promise<number> {
  // No hook inherits the fds liblxc kept for the container (3 … $LISTEN_FDS: the caller's preserved
  // ones, init's executable and plan, this socket, create's report pipe).
  const kept = Number(process.env.LISTEN_FDS);
  for (let i = 3; i <= (Number.isSafeInteger(kept) && kept < 65536 ? kept : fd); i++) setCloexec(i);
  setCloexec(fd);
  const send = (m: MountHookMessage) => writeAll(fd, jsonFrame(m), "write to create's socket");
  // Our parent is the container's init-to-be.
  const initHostPid = Number(status("self").PPid);
  const initNsPid = Number(status(initHostPid).NSpid!.split(/\s+/).pop());
  send({ hello: { pid: initHostPid } });
  const reply = receive(fd, new FrameReader());
  if (!reply || !("reply" in reply) || !reply.reply.ok) return 1; // create reports the failing hook
  const { hooks, state, env, timeout, relayOutput } = reply.reply;
  const { failure } = await runHooks(
    hooks,
    { ...state, status: "creating", pid: initNsPid },
    {
      defaultTimeout: timeout,
      cwd: state.bundle,
      env,
      onRecord: (r) => send({ trace: r }), // create appends it: with a user namespace we run as its root
      // the hook output files are create's: never opened in the container's namespaces
      onOutput: relayOutput ? (stream, bytes) => send({ output: { stream, data: bytes.toBase64() } }) : undefined,
    },
  );
  send({ result: failure ? { error: describeFailure(failure) } : { done: true } });
  return failure ? 1 : 0;
}
