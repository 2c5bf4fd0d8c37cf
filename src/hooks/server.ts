// During create, the mount hook (launcher `hook` mode, in the container's
// namespaces before pivot_root) asks `create` to run the prestart and
// createRuntime hooks. `create` is the runtime: running them here puts them
// in the runtime's namespaces with no setns() at all, and with the caller's
// environment. The launcher then runs createContainer itself.
import { chownSync, existsSync, unlinkSync } from "node:fs";
import type { HookRecord } from "./run.ts";
import type { MountHookHello, MountHookReply } from "../contract/messages.ts";

export interface HookServer {
  /** Resolves with the createContainer outcome the launcher reported (or an error). */
  result: Promise<string | undefined>;
  close(): void;
}

/** Unix socket paths are limited to 107 bytes. */
export const MAX_SOCKET_PATH = 107;

export function startHookServer(
  path: string,
  onHello: (hello: MountHookHello) => Promise<MountHookReply>,
  onRecord: (record: HookRecord) => void,
  /** The mount hook's uid and gid (the mapped root with a user namespace): it must be able to connect. */
  owner: { uid: number; gid: number },
): HookServer {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH)
    throw new Error(`hook socket path ${path} is longer than ${MAX_SOCKET_PATH} bytes: use a shorter --root`);
  if (existsSync(path)) unlinkSync(path);
  let settle!: (v: string | undefined) => void;
  const result = new Promise<string | undefined>((r) => (settle = r));
  let buffered = "";
  const server = Bun.listen<undefined>({
    unix: path,
    socket: {
      data(socket, data) {
        buffered += data.toString();
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          let msg: Partial<MountHookHello & { done: boolean; error: string; hook: HookRecord }>;
          try {
            msg = JSON.parse(line);
          } catch {
            settle(`mount hook sent an invalid message: ${line.slice(0, 200)}`);
            continue;
          }
          if (msg.hook) onRecord(msg.hook);
          else if (typeof msg.pid === "number") {
            onHello(msg as MountHookHello).then((reply) => {
              socket.write(JSON.stringify(reply) + "\n");
              if (!reply.ok) settle(reply.error);
            });
          } else if (msg.error !== undefined) settle(msg.error);
          else if (msg.done) settle(undefined);
        }
      },
      close() {
        settle("mount hook exited without reporting");
      },
    },
  });
  if (owner.uid !== 0 || owner.gid !== 0) chownSync(path, owner.uid, owner.gid);
  return {
    result,
    close() {
      server.stop(true);
      try {
        unlinkSync(path);
      } catch {
        /* gone */
      }
    },
  };
}
