// --systemd-cgroup: callers then give cgroupsPath as "slice:prefix:name"
// (runc's systemd driver). lxcri maps it to the cgroupfs path systemd itself
// would use — /<expanded slice>/<prefix>-<name>.scope — and creates it
// directly, without asking systemd for a transient unit (README: what this
// means on a host where systemd runs). "a-b.slice" nests as in systemd:
// a.slice/a-b.slice. The checker (src/spec/linux.ts) made sure of the form.

function expandSlice(slice: string): string {
  if (slice === "-.slice") return "";
  const parts = slice.slice(0, -".slice".length).split("-");
  return parts.map((_, i) => `${parts.slice(0, i + 1).join("-")}.slice`).join("/");
}

/** "slice:prefix:name" → an absolute cgroupfs path; an empty name is the container id. */
export function systemdCgroupPath(value: string, id: string): string {
  const [slice, prefix, name] = value.split(":") as [string, string, string];
  const unitName = name || id;
  if (unitName.endsWith(".slice")) return `/${expandSlice(unitName)}`;
  const unit = `${prefix ? `${prefix}-` : ""}${unitName}.scope`;
  return `/${[expandSlice(slice || "system.slice"), unit].filter(Boolean).join("/")}`;
}
