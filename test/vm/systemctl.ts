// systemd as the VM tests ask it (test/vm/systemd-*.test.ts): a command's
// status and output, and a unit's properties as `systemctl show` gives them.

/** Runs `cmd`; its exit status and its stdout and stderr together. */
export function sh(cmd: string[]): { code: number; out: string } {
  const p = Bun.spawnSync({ cmd, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? -1, out: p.stdout.toString() + p.stderr.toString() };
}

/** systemctl show's properties of a unit. */
export function show(unit: string, ...props: string[]): Record<string, string> {
  const r = sh(["systemctl", "show", unit, ...props.map((p) => `--property=${p}`)]);
  return Object.fromEntries(
    r.out
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}
