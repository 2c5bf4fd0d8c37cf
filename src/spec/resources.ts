// linux.resources (config.json) or an update's --resources, checked into
// Resources: every controller's shape and ranges, CPU and memory node lists,
// hugepage sizes, raw cgroup v2 file names, device rules' access, and what
// lxcri does not support yet (rdma). What a controller cannot do on this
// host's cgroup layout is src/cgroups/settings.ts's to refuse.
import { configError } from "../errors.ts";
import { accepted, REFUSED_FIELDS } from "./support.ts";
import { arrayOf, at, boolean, type Check, int64, integer, mapOf, object, oneOf, opt, req, string, uint32, uint64 } from "./check.ts";
import type { Resources } from "./types.ts";

const limit = integer(-1, Number.MAX_SAFE_INTEGER, "a byte count or -1");

const cpuset: Check<string> = (v, p) => {
  const s = string(v, p);
  if (!/^(\d+(-\d+)?)(,\d+(-\d+)?)*$/.test(s)) throw configError(p, `invalid cpu or memory node list ${JSON.stringify(s)}`);
  return s;
};

const access: Check<string> = (v, p) => {
  const s = string(v, p);
  if (!/^[rwm]{1,3}$/.test(s)) throw configError(p, `invalid access ${JSON.stringify(s)}`);
  return s;
};

const pageSize: Check<string> = (v, p) => {
  const s = string(v, p);
  if (!/^\d+[KMG]B$/.test(s)) throw configError(p, `invalid page size ${JSON.stringify(s)}`);
  return s;
};

const unified: Check<Record<string, string>> = (v, p) => {
  const u = mapOf(string)(v, p);
  for (const key of Object.keys(u))
    if (!/^[a-z0-9_]+\.[a-z0-9_.]+$/.test(key) || key.startsWith("cgroup."))
      throw configError(at(p, `[${JSON.stringify(key)}]`), "invalid cgroup file name");
  return u;
};

const deviceRule = object({
  allow: req(boolean),
  type: opt(oneOf(["a", "b", "c"] as const)),
  major: opt(int64),
  minor: opt(int64),
  access: opt(access),
});

const weightDevice = object({ major: req(uint64), minor: req(uint64), weight: opt(integer(10, 1000)), leafWeight: opt(integer(10, 1000)) });
const throttleDevice = object({ major: req(uint64), minor: req(uint64), rate: req(uint64) });

const shape = object({
  devices: opt(arrayOf(deviceRule)),
  memory: opt(
    object({
      limit: opt(limit),
      reservation: opt(limit),
      swap: opt(limit),
      kernel: opt(limit),
      kernelTCP: opt(limit),
      swappiness: opt(integer(0, 100)),
      disableOOMKiller: opt(boolean),
      useHierarchy: opt(boolean),
      checkBeforeUpdate: opt(boolean),
    }),
  ),
  cpu: opt(
    object({
      shares: opt(uint64),
      quota: opt(integer(-1, Number.MAX_SAFE_INTEGER)),
      burst: opt(uint64),
      period: opt(uint64),
      realtimeRuntime: opt(integer(-1, Number.MAX_SAFE_INTEGER)),
      realtimePeriod: opt(uint64),
      cpus: opt(cpuset),
      mems: opt(cpuset),
      idle: opt(integer(-1, 1)),
    }),
  ),
  pids: opt(object({ limit: req(int64) })),
  blockIO: opt(
    object({
      weight: opt(integer(10, 1000)),
      leafWeight: opt(integer(10, 1000)),
      weightDevice: opt(arrayOf(weightDevice)),
      throttleReadBpsDevice: opt(arrayOf(throttleDevice)),
      throttleWriteBpsDevice: opt(arrayOf(throttleDevice)),
      throttleReadIOPSDevice: opt(arrayOf(throttleDevice)),
      throttleWriteIOPSDevice: opt(arrayOf(throttleDevice)),
    }),
  ),
  hugepageLimits: opt(arrayOf(object({ pageSize: req(pageSize), limit: req(uint64) }))),
  network: opt(object({ classID: opt(uint32), priorities: opt(arrayOf(object({ name: req(string), priority: req(uint32) }))) })),
  rdma: opt(mapOf(object({ hcaHandles: opt(uint32), hcaObjects: opt(uint32) }))),
  unified: opt(unified),
});

/** Resources at `p` ("linux.resources" in config.json, "" for --resources). */
export const resources: Check<Resources> = (v, p) => {
  const r: Resources = shape(v, p);
  if (r.rdma && !accepted("linux.resources.rdma")) throw configError(at(p, "rdma"), REFUSED_FIELDS["linux.resources.rdma"]);
  // swap is memory+swap (v1's memsw): below the memory limit the kernel refuses it on v1 and v2 would
  // get a negative swap.max; runc refuses it so too ("memory+swap limit should be >= memory limit")
  const { limit, swap } = r.memory ?? {};
  if (limit !== undefined && swap !== undefined && limit !== -1 && swap !== -1 && swap < limit)
    throw configError(
      at(p, "memory.swap"),
      `${swap} is below memory.limit ${limit}: it is memory+swap, so it must be at least the memory limit`,
    );
  return r;
};
