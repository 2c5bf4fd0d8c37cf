// crun's hook output annotations: run.oci.hooks.stdout / run.oci.hooks.stderr
// name host files each hook's stdout / stderr is appended to, for every hook
// lxcri runs on the host (prestart, createRuntime, poststart, poststop) and
// for createContainer, whose output the mount hook relays to create (the file
// is never opened in the container's namespaces). The hook's output still
// goes to its record's tail too. The files are opened by root, with no symlink
// on the path and only as regular files (ffi/append-file.ts, docs/security.md).
import { openAppendNoSymlinks } from "../../ffi/append-file.ts";
import { closeFd } from "../../ffi/fds.ts";
import { writeAll } from "../host/fs.ts";
import type { Stream } from "../contract/hooks.ts";
import { HOOKS_STDERR, HOOKS_STDOUT } from "../spec/annotations.ts";

export type OnOutput = (stream: Stream, bytes: Uint8Array) => void;

export interface HookOutput {
  onOutput: OnOutput;
  close(): void;
}

/** The files `annotations` name, opened (created 0600 when absent); undefined when they name none. Throws naming the annotation. */
export function openHookOutput(annotations: Record<string, string> | undefined): HookOutput | undefined {
  const fds: Partial<Record<Stream, number>> = {};
  const close = () => {
    closeFd(fds.stdout);
    closeFd(fds.stderr);
  };
  try {
    for (const [stream, key] of [
      ["stdout", HOOKS_STDOUT],
      ["stderr", HOOKS_STDERR],
    ] as const) {
      const path = annotations?.[key];
      if (path === undefined) continue;
      try {
        fds[stream] = openAppendNoSymlinks(path);
      } catch (e) {
        throw new Error(`annotation ${key}: ${(e as Error).message}`);
      }
    }
  } catch (e) {
    close();
    throw e;
  }
  if (fds.stdout === undefined && fds.stderr === undefined) return undefined;
  return {
    onOutput(stream, bytes) {
      const fd = fds[stream];
      if (fd !== undefined) writeAll(fd, bytes, `append to the hook ${stream} file`);
    },
    close,
  };
}
