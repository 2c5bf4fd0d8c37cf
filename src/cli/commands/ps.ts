// ps: the container's processes. --format json prints the host pids (what
// containerd's shim parses); table runs the host's ps with the given options
// and keeps the header and the container's lines, as runc does.
import { defineCommand } from "citty";
import { runtime } from "../globals.ts";
import { LxcriError } from "../../errors.ts";

export default defineCommand({
  meta: { name: "ps", description: "list the processes of a container (ps options after the id; default -ef)" },
  args: { format: { type: "string", alias: "f", description: "table or json", default: "table" } },
  async run({ args }) {
    const [id, ...psArgs] = args._;
    if (!id) throw new LxcriError("invalid-argument", `"ps" requires a container id`);
    const pids = await runtime().ps(id);
    if (args.format === "json") {
      console.log(JSON.stringify(pids));
      return;
    }
    if (args.format !== "table")
      throw new LxcriError("invalid-argument", `--format: expected table or json, got ${JSON.stringify(args.format)}`);
    const ps = Bun.spawnSync(["ps", ...(psArgs.length ? psArgs : ["-ef"])], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    if (ps.exitCode !== 0) throw new LxcriError("runtime", `ps: ${ps.stderr.toString().trim()}`);
    const [header, ...lines] = ps.stdout.toString().trimEnd().split("\n");
    const col = (header ?? "").trim().split(/\s+/).indexOf("PID");
    if (col < 0) throw new LxcriError("invalid-argument", "ps output has no PID column");
    const wanted = new Set(pids);
    console.log(header);
    for (const l of lines) if (wanted.has(Number(l.trim().split(/\s+/)[col]))) console.log(l);
  },
});
