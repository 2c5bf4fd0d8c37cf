// The container's transient scope unit (--systemd-cgroup on a host systemd
// runs), as runc's and crun's systemd cgroup drivers make it: started with the
// container's init as its one process, Delegate=yes (the cgroup below is the
// container's), its limits as unit properties so that systemd, which writes
// the cgroup files of the controllers it enables for a unit, writes the
// container's and not its defaults; stopped at delete.
import { existsSync } from "node:fs";
import { Bus, BusError } from "./bus.ts";
import type { Value, Variant } from "./wire.ts";

const MANAGER = { path: "/org/freedesktop/systemd1", interface: "org.freedesktop.systemd1.Manager" } as const;

export type Property = [name: string, value: Variant];

/** Whether systemd manages this host (sd_booted(3): it made /run/systemd/system). */
export function systemdRuns(): boolean {
  return existsSync("/run/systemd/system");
}

async function withBus<T>(timeoutMs: number, fn: (bus: Bus) => Promise<T>): Promise<T> {
  const bus = await Bus.connect(undefined, timeoutMs);
  try {
    return await fn(bus);
  } finally {
    bus.close();
  }
}

/** Waits for the job's JobRemoved signal and returns its result ("done", "failed", "canceled", ...). */
async function jobResult(bus: Bus, job: string): Promise<string> {
  const m = await bus.next((m) => m.member === "JobRemoved" && m.interface === MANAGER.interface && m.body[1] === job);
  return String(m.body[3]);
}

/** Starts the transient scope `unit` in `slice` holding `pid`; throws unless systemd's job is done. */
export async function startScope(unit: string, slice: string, pid: number, properties: Property[], timeoutMs = 30_000): Promise<void> {
  const all: Value[] = [
    ["Description", { sig: "s", value: `lxcri container ${unit}` }],
    ...(slice ? [["Slice", { sig: "s", value: slice }] as Value] : []),
    ["Delegate", { sig: "b", value: true }],
    ["PIDs", { sig: "au", value: [pid] }],
    // a container is stopped by its runtime, not ordered into the host's shutdown like a service
    ["DefaultDependencies", { sig: "b", value: false }],
    ...properties,
  ];
  await withBus(timeoutMs, async (bus) => {
    const reply = await bus.call({
      ...MANAGER,
      member: "StartTransientUnit",
      signature: "ssa(sv)a(sa(sv))",
      body: [unit, "fail", all, []],
    });
    const result = await jobResult(bus, String(reply.body[0]));
    if (result !== "done") throw new Error(`systemd could not start ${unit}: its job ended "${result}" (journalctl -u ${unit})`);
  });
}

/** Changes a running scope's properties (update), as systemctl set-property --runtime does. */
export async function setProperties(unit: string, properties: Property[], timeoutMs = 30_000): Promise<void> {
  if (!properties.length) return;
  await withBus(timeoutMs, (bus) =>
    bus.call({ ...MANAGER, member: "SetUnitProperties", signature: "sba(sv)", body: [unit, true, properties as Value[]] }),
  );
}

/** Stops the unit and waits until it is gone; a unit systemd no longer has is no error (it stops a scope whose processes all died). */
export async function stopUnit(unit: string, timeoutMs = 30_000): Promise<void> {
  await withBus(timeoutMs, async (bus) => {
    let job: string;
    try {
      job = String((await bus.call({ ...MANAGER, member: "StopUnit", signature: "ss", body: [unit, "replace"] })).body[0]);
    } catch (e) {
      if (e instanceof BusError && e.name === "org.freedesktop.systemd1.NoSuchUnit") return;
      throw e;
    }
    const result = await jobResult(bus, job);
    if (result !== "done") throw new Error(`systemd could not stop ${unit}: its job ended "${result}"`);
  });
}
