// Runs criu(8) for checkpoint and restore, as runc does (CRIU on the host's
// PATH, as root), and turns its failure into an error that names its log
// file and quotes the log's first error: CRIU writes why it failed there,
// not to stderr (on a kernel it does not support: "vdso: ...", "Could not
// initialize kernel features detection").
import { tryReadText } from "../../host/fs.ts";
import { LxcriError } from "../../errors.ts";

/** `given` (--criu), or the criu executable on PATH; an error saying what to install when there is none. */
export function criuPath(given?: string): string {
  const criu = Bun.which(given ?? "criu");
  if (!criu)
    throw new LxcriError(
      "runtime",
      given
        ? `--criu ${given}: not an executable`
        : "checkpoint and restore need CRIU: no criu on PATH (Debian and Ubuntu: apt install criu)",
    );
  return criu;
}

/** Whether this CRIU has `option` (its --help lists it). */
export function criuHas(option: string, given?: string): boolean {
  const p = Bun.spawnSync([criuPath(given), "--help"], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  return `${p.stdout.toString()}${p.stderr.toString()}`.includes(option);
}

/** The first "Error" lines of a CRIU log (at most three), for the message. */
export function criuErrors(log: string): string {
  const lines = log.split("\n").filter((l) => /\bError\b/.test(l));
  return lines
    .slice(0, 3)
    .map((l) => l.replace(/^\(\d+\.\d+\)\s*/, "").trim())
    .join("; ");
}

/**
 * criu `args`; resolves once it exited 0. `fds[i]` becomes CRIU's fd 3+i (a namespace it
 * inherits); its stdio is ours: restore's process inherits the caller's pipes from it, and
 * CRIU writes everything but a usage error to its log.
 */
export async function runCriu(args: string[], log: string, fds: number[] = [], given?: string): Promise<void> {
  const criu = criuPath(given);
  const p = Bun.spawn([criu, ...args], { stdio: ["inherit", "inherit", "inherit", ...fds], env: { ...process.env, LC_ALL: "C" } });
  const code = await p.exited;
  if (code === 0) return;
  const why = criuErrors(tryReadText(log) ?? "") || "no error in its log";
  throw new LxcriError("runtime", `criu ${args[0]} failed (exit status ${code}): ${why} (CRIU's log: ${log})`);
}
