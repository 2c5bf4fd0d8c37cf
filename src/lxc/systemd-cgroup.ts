// --systemd-cgroup: callers then give cgroupsPath as "slice:prefix:name"
// (runc's systemd driver). lxcri maps it to the cgroupfs path systemd itself
// would use — /<expanded slice>/<prefix>-<name>.scope — and creates it
// directly, without asking systemd for a transient unit (README: what this
// means on a host where systemd runs). "a-b.slice" nests as in systemd:
// a.slice/a-b.slice.
import { configError } from "../errors.ts";

function expandSlice(slice: string): string {
  if (!/^[\w.@-]+\.slice$/.test(slice) || slice.includes("/"))
    throw configError("linux.cgroupsPath", `invalid systemd slice ${JSON.stringify(slice)}`);
  if (slice === "-.slice") return "";
  const base = slice.slice(0, -".slice".length);
  if (base.startsWith("-") || base.endsWith("-") || base.includes("--"))
    throw configError("linux.cgroupsPath", `invalid systemd slice ${JSON.stringify(slice)}`);
  const parts = base.split("-");
  return parts.map((_, i) => `${parts.slice(0, i + 1).join("-")}.slice`).join("/");
}

/** "slice:prefix:name" → an absolute cgroupfs path. */
export function systemdCgroupPath(value: string, id: string): string {
  const parts = value.split(":");
  if (parts.length !== 3)
    throw configError("linux.cgroupsPath", `with --systemd-cgroup it must be "slice:prefix:name", got ${JSON.stringify(value)}`);
  const [slice, prefix, name] = parts as [string, string, string];
  const unitName = name || id;
  if (unitName.endsWith(".slice")) return `/${expandSlice(unitName)}`;
  if (!/^[\w.@-]+$/.test(unitName) || (prefix && !/^[\w.@-]+$/.test(prefix)))
    throw configError("linux.cgroupsPath", `invalid systemd unit name in ${JSON.stringify(value)}`);
  const unit = `${prefix ? `${prefix}-` : ""}${unitName}.scope`;
  return `/${[expandSlice(slice || "system.slice"), unit].filter(Boolean).join("/")}`;
}
