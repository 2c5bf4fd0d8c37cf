// The container's transient scope unit (--systemd-cgroup on a host systemd
// runs), as runc's and crun's systemd cgroup drivers make it: started with the
// container's init as its one process, Delegate=yes (the cgroup below is the
// container's), its limits as unit properties so that systemd, which writes
// the cgroup files of the controllers it enables for a unit, writes the
// container's and not its defaults; stopped at delete.
//
// A unit name is no proof of whose the unit is: a user's session-N.scope or
// another tenant's libpod-<id>.scope may have the name a cgroupsPath maps to.
// The scope is the container's only once systemd reports the start job create
// asked for done; from then on it is known by its invocation id (systemd
// makes a new one at each start of a unit), and changed or stopped only
// through the bus path systemd gives for that id, which names no other
// invocation: a unit systemd started again under the same name is left alone.
import { exists } from "../host/fs.ts";
import { Bus, BusError, SYSTEM, type Target } from "./bus.ts";
import type { Value, Variant } from "./wire.ts";

const MANAGER = { path: "/org/freedesktop/systemd1", interface: "org.freedesktop.systemd1.Manager" } as const;
const UNIT = "org.freedesktop.systemd1.Unit";
/** systemd's error names (its bus-common-errors.h). */
const ERROR = {
  unitExists: "org.freedesktop.systemd1.UnitExists",
  noSuchUnit: "org.freedesktop.systemd1.NoSuchUnit",
  noInvocation: "org.freedesktop.systemd1.NoUnitForInvocationID",
  unknownObject: "org.freedesktop.DBus.Error.UnknownObject",
} as const;

export type Property = [name: string, value: Variant];

/** The systemd a container's scope was started through: its user's (rootless, over the recorded bus), else PID 1. */
export function systemdTarget(record: { systemdBus?: string }): Target {
  return record.systemdBus ? { path: record.systemdBus, messageBus: true } : SYSTEM;
}

/** Whether systemd manages this host (sd_booted(3): it made /run/systemd/system). */
export function systemdRuns(): boolean {
  return exists("/run/systemd/system");
}

async function withBus<T>(target: Target, timeoutMs: number, fn: (bus: Bus) => Promise<T>): Promise<T> {
  const bus = await Bus.connect(target, timeoutMs);
  try {
    return await fn(bus);
  } finally {
    bus.close();
  }
}

/** Whether systemd still has the job at bus path `job` (it drops a job once it is over). */
async function jobExists(bus: Bus, job: string): Promise<boolean> {
  try {
    await bus.call({
      path: job,
      interface: "org.freedesktop.DBus.Properties",
      member: "Get",
      signature: "ss",
      body: ["org.freedesktop.systemd1.Job", "State"],
    });
    return true;
  } catch (e) {
    if (e instanceof BusError && [ERROR.unknownObject, "org.freedesktop.systemd1.NoSuchJob"].includes(e.name as never)) return false;
    throw e;
  }
}

/** Waits for the job's JobRemoved signal and returns its result ("done", "failed", "canceled", ...). */
async function jobResult(bus: Bus, job: string): Promise<string> {
  const m = await bus.next((m) => m.member === "JobRemoved" && m.interface === MANAGER.interface && m.body[1] === job);
  return String(m.body[3]);
}

/** An invocation id as systemd shows it (32 lowercase hex digits) from the 16 bytes of a unit's InvocationID; empty when it has none. */
export function invocationHex(bytes: Value): string {
  if (!Array.isArray(bytes) || (bytes.length !== 16 && bytes.length !== 0) || !bytes.every((b) => typeof b === "number"))
    throw new Error("systemd: an InvocationID that is not 16 bytes");
  return (bytes as number[]).map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The 16 bytes of an invocation id written as invocationHex writes it. */
export function invocationBytes(hex: string): number[] {
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`systemd: ${JSON.stringify(hex)} is not an invocation id`);
  return Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

/** A unit's property (org.freedesktop.DBus.Properties.Get on its bus path). */
async function property(bus: Bus, path: string, name: string): Promise<Value> {
  const reply = await bus.call({ path, interface: "org.freedesktop.DBus.Properties", member: "Get", signature: "ss", body: [UNIT, name] });
  return (reply.body[0] as Variant).value;
}

/** The bus path of the unit in invocation `invocation`, valid only while that invocation lasts; undefined once it is over. */
async function invocationPath(bus: Bus, invocation: string): Promise<string | undefined> {
  try {
    const reply = await bus.call({ ...MANAGER, member: "GetUnitByInvocationID", signature: "ay", body: [invocationBytes(invocation)] });
    return String(reply.body[0]);
  } catch (e) {
    if (e instanceof BusError && e.name === ERROR.noInvocation) return undefined;
    throw e;
  }
}

/** Whether systemd has a unit of this name loaded (any invocation, any state). */
async function unitLoaded(bus: Bus, unit: string): Promise<boolean> {
  try {
    await bus.call({ ...MANAGER, member: "GetUnit", signature: "s", body: [unit] });
    return true;
  } catch (e) {
    if (e instanceof BusError && e.name === ERROR.noSuchUnit) return false;
    throw e;
  }
}

/**
 * Starts the transient scope `unit` in `slice` holding `pid` and returns its invocation id, the
 * proof at delete that a unit of this name is still the one create started. Throws unless
 * systemd's job is done: then the unit is not the container's (a unit of this name that exists
 * already is someone else's) and the caller records nothing, so that no cleanup touches it.
 */
export async function startScope(
  unit: string,
  slice: string,
  pid: number,
  properties: Property[],
  target: Target = SYSTEM,
  timeoutMs = 30_000,
): Promise<string> {
  const all: Value[] = [
    ["Description", { sig: "s", value: `lxcri container ${unit}` }],
    ...(slice ? [["Slice", { sig: "s", value: slice }] as Value] : []),
    ["Delegate", { sig: "b", value: true }],
    ["PIDs", { sig: "au", value: [pid] }],
    // a container is stopped by its runtime, not ordered into the host's shutdown like a service
    ["DefaultDependencies", { sig: "b", value: false }],
    ...properties,
  ];
  return await withBus(target, timeoutMs, async (bus) => {
    let job: string;
    try {
      const body = [unit, "fail", all, []];
      job = String((await bus.call({ ...MANAGER, member: "StartTransientUnit", signature: "ssa(sv)a(sa(sv))", body })).body[0]);
    } catch (e) {
      if (e instanceof BusError && e.name === ERROR.unitExists)
        throw new Error(`systemd unit ${unit} exists already: it is not this container's and is left alone (${e.message})`);
      throw e;
    }
    const result = await jobResult(bus, job);
    if (result !== "done") throw new Error(`systemd could not start ${unit}: its job ended "${result}" (journalctl -u ${unit})`);
    // Ours: systemd ran the start job we asked for. Its invocation id, read at once, is that start's.
    const path = String((await bus.call({ ...MANAGER, member: "GetUnit", signature: "s", body: [unit] })).body[0]);
    const invocation = invocationHex(await property(bus, path, "InvocationID"));
    if (!invocation) throw new Error(`systemd gave ${unit} no InvocationID (systemd 232 or later has one)`);
    return invocation;
  });
}

/**
 * The cgroup of the manager's own (a user's systemd: /user.slice/user-UID.slice/user@UID.service),
 * below which it makes its units' cgroups (its Manager's ControlGroup property).
 */
export async function managerCgroup(target: Target, timeoutMs = 30_000): Promise<string> {
  return await withBus(target, timeoutMs, async (bus) => {
    const reply = await bus.call({
      path: MANAGER.path,
      interface: "org.freedesktop.DBus.Properties",
      member: "Get",
      signature: "ss",
      body: [MANAGER.interface, "ControlGroup"],
    });
    const cgroup = String((reply.body[0] as Variant).value);
    if (!cgroup.startsWith("/")) throw new Error(`systemd at ${target.path} gave no ControlGroup of its own (${JSON.stringify(cgroup)})`);
    return cgroup;
  });
}

/** Changes the running scope's properties (update), as systemctl set-property --runtime does; only while it is still invocation `invocation`. */
export async function setProperties(
  unit: string,
  invocation: string | undefined,
  properties: Property[],
  target: Target = SYSTEM,
  timeoutMs = 30_000,
): Promise<void> {
  if (!properties.length) return;
  if (!invocation)
    throw new Error(`systemd unit ${unit}: the record holds no invocation id (an older lxcri created the container), so it is not changed`);
  await withBus(target, timeoutMs, async (bus) => {
    const path = await invocationPath(bus, invocation);
    if (!path) throw new Error(`systemd unit ${unit} is not this container's any more (invocation ${invocation} is over)`);
    await bus.call({ path, interface: UNIT, member: "SetProperties", signature: "ba(sv)", body: [true, properties as Value[]] });
  });
}

/**
 * Stops the scope and waits until it is gone, if it is still invocation `invocation` (the one
 * create started); returns why it left a unit of that name alone, if it did. A unit systemd no
 * longer has is no error (it stops a scope whose processes all died).
 */
// 90 s: systemd's own default TimeoutStopSec, the longest a scope's stop waits for its processes.
export async function stopScope(
  unit: string,
  invocation: string | undefined,
  target: Target = SYSTEM,
  timeoutMs = 90_000,
): Promise<string | undefined> {
  if (!invocation)
    return `systemd unit ${unit}: the record holds no invocation id (an older lxcri created the container), so it is not stopped; systemd stops a scope whose processes are gone`;
  return await withBus(target, timeoutMs, async (bus) => {
    const path = await invocationPath(bus, invocation);
    let job: string | undefined;
    try {
      if (path) job = String((await bus.call({ path, interface: UNIT, member: "Stop", signature: "s", body: ["replace"] })).body[0]);
    } catch (e) {
      // the invocation ended between the two calls: its path names nothing now
      if (!(e instanceof BusError && [ERROR.noInvocation, ERROR.noSuchUnit, ERROR.unknownObject].includes(e.name as never))) throw e;
    }
    if (job === undefined)
      return (await unitLoaded(bus, unit))
        ? `systemd unit ${unit} is not this container's: systemd started it again after the container's invocation ${invocation}; left alone`
        : undefined;
    const state = await stopped(bus, invocation, job);
    if (state !== "inactive") throw new Error(`systemd could not stop ${unit}: it is ${state}`);
    return undefined;
  });
}

/**
 * Waits until invocation `invocation` is over: its unit gone or inactive. Asked of systemd every
 * 100 ms rather than waited for as the stop job's JobRemoved signal: a scope that systemd was
 * stopping by itself already (its last process gone) merges our Stop into its own job. (In the
 * emulated guest that signal once seemed to be missing; what was seen then was most likely the
 * unanswered first call that Bus's authenticate now avoids.)
 */
async function stopped(bus: Bus, invocation: string, job: string): Promise<string> {
  for (let jobOver = false; ; ) {
    const path = await invocationPath(bus, invocation);
    if (path === undefined) return "inactive";
    try {
      const state = String(await property(bus, path, "ActiveState"));
      if (state === "inactive" || state === "failed") return state;
      // the stop job is over but the unit did not stop (a job that failed or was replaced): say so,
      // after one more look (the job may have ended just after the state was read)
      if (jobOver) return state;
      jobOver = !(await jobExists(bus, job));
      if (jobOver) continue;
    } catch (e) {
      // gone between the two calls
      if (e instanceof BusError && [ERROR.noInvocation, ERROR.noSuchUnit, ERROR.unknownObject].includes(e.name as never)) return "inactive";
      throw e;
    }
    await Bun.sleep(100);
  }
}
