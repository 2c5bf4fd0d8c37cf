// A build step in a throwaway container: the source goes in on stdin, the
// built artefact comes back on stdout, the log on stderr; the container is
// deleted when the step ends, and a step that takes too long is cancelled.
//   bun examples/build-step.ts [--root DIR]
import { Runtime } from "lxcri";
import { busyboxBundle, removeBundle } from "./bundle.ts";

const root = process.argv.includes("--root") ? process.argv[process.argv.indexOf("--root") + 1] : undefined;
const rt = new Runtime({ root });

/** Runs `script` in a fresh container with `input` as stdin; its stdout, or an error with its log. */
export async function buildStep(name: string, script: string, input: string, timeoutMs = 30_000): Promise<string> {
  const bundle = busyboxBundle(["sh", "-c", script]);
  try {
    const step = rt.run(`build-${name}-${process.pid}`, {
      bundle,
      stdin: input,
      stdout: "pipe",
      stderr: "pipe",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const [out, log, code] = await Promise.all([new Response(step.stdout).text(), new Response(step.stderr).text(), step.exited]);
    if (code !== 0) throw new Error(`build step ${name} failed with status ${code}:\n${log}`);
    return out;
  } finally {
    removeBundle(bundle);
  }
}

if (import.meta.main) {
  const source = "hello from the build\nsecond line\n";
  // "compile": upper-case the source and append its checksum; the log goes to stderr
  const artefact = await buildStep("upper", 'echo "building" >&2; tee /tmp/src | tr a-z A-Z; sha256sum /tmp/src | cut -d" " -f1', source);
  console.log(artefact.trimEnd());
}
