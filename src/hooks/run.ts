// Runs OCI hooks: exact argv and env, the container state on stdin, a timeout
// that is enforced (SIGTERM to the hook's process group, SIGKILL after a grace),
// and one record per run: every hook point but createContainer and
// startContainer, which run in C (ffi/native/hooks.c) with the same semantics.
import type { State } from "../spec/types.ts";
import { type HookRecord, type StoredHook, TAIL } from "../contract/hooks.ts";
import { signalName } from "../contract/signals.ts";
import { escapeBytes, escapeText } from "../text/escape.ts";
import type { OnOutput } from "./output.ts";

export type { HookRecord };

/** Time between SIGTERM and SIGKILL for a hook past its timeout. */
export const KILL_GRACE_MS = 1000;

export interface RunOptions {
  /** Seconds, for hooks without their own timeout. */
  defaultTimeout: number;
  cwd?: string;
  /** The environment for hooks without `env`. */
  env?: Record<string, string | undefined>;
  /** Each chunk a hook writes, as it comes (the hook output annotations, src/hooks/output.ts). */
  onOutput?: OnOutput;
}

/** "NAME=value" entries as an environment object. */
export function envObject(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of list) {
    const i = e.indexOf("=");
    out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}

/** The last TAIL bytes of `kept` and then `more`. */
function lastBytes(kept: Uint8Array, more: Uint8Array): Uint8Array {
  if (more.length >= TAIL) return more.slice(more.length - TAIL);
  const old = Math.min(kept.length, TAIL - more.length);
  const out = new Uint8Array(old + more.length);
  out.set(kept.subarray(kept.length - old));
  out.set(more, old);
  return out;
}

/**
 * Collects the last TAIL bytes of a stream without waiting for EOF once told
 * to stop; the text is escaped (lines and tabs kept): a hook can be a program
 * of the image, and its bytes must not reach a terminal or the trace raw. Kept
 * as bytes until then, so an invalid byte shows as itself ("\xff").
 */
function tail(stream: ReadableStream<Uint8Array>, onChunk?: (bytes: Uint8Array) => void) {
  let kept: Uint8Array = new Uint8Array(0);
  let ended = false;
  const reader = stream.getReader();
  const done = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          ended = true;
          break;
        }
        kept = lastBytes(kept, value);
        try {
          onChunk?.(value);
        } catch {
          onChunk = undefined; // a file that cannot take more (full disk): the tail is still kept
        }
      }
    } catch {
      /* cancelled */
    }
  })();
  return {
    async finish(waitMs: number): Promise<string> {
      // Most hooks' pipes have ended by the time their exit is seen: then no timer and no cancel,
      // whose first use cost a hook run ~0.35 ms of CPU (docs/performance.md, "Issue 23, round 9").
      if (!ended) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([done, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
        // not left pending: it would hold a library caller's process for waitMs after the last hook
        clearTimeout(timer);
      }
      if (!ended) reader.cancel().catch(() => {});
      return escapeBytes(kept, "\n\t");
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

export async function runHook(hook: StoredHook, state: State, opts: RunOptions): Promise<HookRecord> {
  const started = Date.now();
  const timeout = hook.timeout ?? opts.defaultTimeout;
  const record: HookRecord = {
    type: hook.type,
    index: hook.index,
    path: hook.path,
    start: new Date(started).toISOString(),
    durationMs: 0,
    exitCode: null,
    signal: null,
    timedOut: false,
    stdoutTail: "",
    stderrTail: "",
  };
  const argv = hook.argv.length ? hook.argv : [hook.path];
  let proc;
  try {
    proc = Bun.spawn({
      cmd: [hook.path, ...argv.slice(1)],
      argv0: argv[0],
      env: hook.env ? envObject(hook.env) : (opts.env ?? process.env),
      cwd: opts.cwd,
      // Bun writes the state itself and tolerates a hook that exits without reading it (EPIPE).
      stdin: new TextEncoder().encode(JSON.stringify(state)),
      stdout: "pipe",
      stderr: "pipe",
      // Its own process group, so a timeout reaches the hook's children too.
      detached: true,
    });
  } catch (e) {
    record.error = `cannot execute: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    record.exitCode = 127;
    record.durationMs = Date.now() - started;
    return record;
  }
  const onOutput = opts.onOutput;
  const out = tail(proc.stdout, onOutput && ((b) => onOutput("stdout", b)));
  const err = tail(proc.stderr, onOutput && ((b) => onOutput("stderr", b)));

  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const termTimer = setTimeout(() => {
    record.timedOut = true;
    killGroup(proc.pid, "SIGTERM");
    killTimer = setTimeout(() => killGroup(proc.pid, "SIGKILL"), KILL_GRACE_MS);
  }, timeout * 1000);
  await proc.exited;
  clearTimeout(termTimer);
  clearTimeout(killTimer);
  // Children left behind in the hook's group are the hook's business, but not past a timeout.
  if (record.timedOut) killGroup(proc.pid, "SIGKILL");
  // Output still held open by a child must not hold us up.
  [record.stdoutTail, record.stderrTail] = await Promise.all([out.finish(100), err.finish(100)]);
  record.exitCode = proc.exitCode;
  // Bun names signals up to 31 and gives a real-time one as its number: named as init's are (contract/signals.ts)
  const signal = proc.signalCode === null ? null : String(proc.signalCode);
  record.signal = signal !== null && /^\d+$/.test(signal) ? signalName(Number(signal)) : signal;
  if (record.timedOut) record.error = `timed out after ${timeout} s`;
  record.durationMs = Date.now() - started;
  return record;
}

export function failed(r: HookRecord): boolean {
  return r.timedOut || r.error !== undefined || r.signal !== null || r.exitCode !== 0;
}

/**
 * "createRuntime hook 1 (/usr/bin/x) exited with status 3: <stderr tail>", on
 * one line: the tail's last lines joined by a visible "\n", every control
 * escaped (src/text/escape.ts), so nothing the hook wrote can pass for a line
 * of lxcri's or act on the terminal.
 */
export function describeFailure(r: HookRecord): string {
  const what = r.error ?? (r.signal ? `was killed by ${r.signal}` : `exited with status ${r.exitCode}`);
  const stderr = r.stderrTail.trim().split("\n").slice(-5).join("\n").trim();
  return escapeText(`${r.type} hook ${r.index} (${r.path}) ${what}${stderr ? `: ${stderr}` : ""}`);
}

/**
 * Runs hooks in order. Stops at the first failure unless `keepGoing` (poststop).
 * Returns every record; the first failed one, if any, as `failure`.
 */
export async function runHooks(
  hooks: StoredHook[],
  state: State,
  opts: RunOptions & { keepGoing?: boolean; onRecord?: (r: HookRecord) => void },
): Promise<{ records: HookRecord[]; failure?: HookRecord }> {
  const records: HookRecord[] = [];
  let failure: HookRecord | undefined;
  for (const h of hooks) {
    const r = await runHook(h, state, opts);
    records.push(r);
    opts.onRecord?.(r);
    if (failed(r)) {
      failure ??= r;
      if (!opts.keepGoing) break;
    }
  }
  return { records, failure };
}
