// The README's Kubernetes section is configuration users paste: its containerd and CRI-O
// entries must parse and name the same handler as the RuntimeClass, with the installed path.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const readme = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");

function section(title: string): string {
  const start = readme.indexOf(`### ${title}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.slice(start + 4).search(/^##/m);
  return end < 0 ? readme.slice(start) : readme.slice(start, start + 4 + end);
}

const blocks = (text: string, lang: string) => [...text.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);

test("README: lxcri as a Kubernetes RuntimeClass handler for containerd and CRI-O", () => {
  const k8s = section("Kubernetes: lxcri as a RuntimeClass handler");
  const [containerd, crio] = blocks(k8s, "toml").map((t) => Bun.TOML.parse(t) as Record<string, any>);
  const runtimes = containerd!.plugins["io.containerd.grpc.v1.cri"].containerd.runtimes;
  expect(Object.keys(runtimes)).toEqual(["lxcri"]);
  expect(runtimes.lxcri.runtime_type).toBe("io.containerd.runc.v2");
  expect(runtimes.lxcri.options.BinaryName).toBe("/usr/local/bin/lxcri");
  expect(crio!.crio.runtime.runtimes.lxcri).toMatchObject({ runtime_path: "/usr/local/bin/lxcri", runtime_type: "oci" });
  const yaml = blocks(k8s, "yaml")[0]!;
  expect(yaml).toMatch(/^apiVersion: node\.k8s\.io\/v1\nkind: RuntimeClass\nmetadata:\n  name: lxcri\nhandler: lxcri\b/);
  expect(yaml).toMatch(/runtimeClassName: lxcri/);
  expect(k8s).toContain("bash scripts/install.sh");
});
