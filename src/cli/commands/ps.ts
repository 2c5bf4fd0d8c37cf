// ps: the container's processes. --format json prints the host pids (what
// containerd's shim parses); table runs the host's ps with the given options
// and keeps the header and the container's lines, as runc does.
import { LxcriError } from "../../errors.ts";
import { escapeText } from "../../text/escape.ts";
import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function ps({ id, args: psArgs, flags }: Call<"ps">): Promise<void> {
  const pids = await (await runtime()).ps(id);
  if (flags.format === "json") {
    console.log(JSON.stringify(pids));
    return;
  }
  const ps = Bun.spawnSync(["ps", ...(psArgs.length ? psArgs : ["-ef"])], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  if (ps.exitCode !== 0) throw new LxcriError("runtime", `ps: ${ps.stderr.toString().trim()}`);
  const [header, ...lines] = ps.stdout.toString().trimEnd().split("\n");
  const col = (header ?? "").trim().split(/\s+/).indexOf("PID");
  if (col < 0) throw new LxcriError("invalid-argument", "ps output has no PID column");
  const wanted = new Set(pids);
  console.log(escapeText(header ?? ""));
  // The container's command lines: the host's ps may print them as they are.
  for (const l of lines) if (wanted.has(Number(l.trim().split(/\s+/)[col]))) console.log(escapeText(l));
}
