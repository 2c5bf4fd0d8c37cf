// OCI runtime-spec types (1.0.0 to 1.3.0) for the fields lxcri reads, as
// the checker (validate.ts) leaves them: every value here has been checked,
// so translation only maps. Unknown properties are ignored, as config.md asks;
// they are not listed here. Fields lxcri refuses (rdma, intelRdt,
// mountLabel, SELinux) are typed as the spec has them.

export interface Spec {
  ociVersion: string;
  /** Optional in the spec; lxcri refuses a config without it. */
  root: Root;
  /** Optional in the spec; lxcri refuses a config without it (create starts it). */
  process: Process;
  hostname?: string;
  domainname?: string;
  mounts?: Mount[];
  hooks?: Hooks;
  annotations?: Record<string, string>;
  linux?: Linux;
}

export interface Root {
  path: string;
  readonly?: boolean;
}

export interface Process {
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  user: User;
  args: string[];
  commandLine?: string;
  env?: string[];
  cwd: string;
  capabilities?: Capabilities;
  rlimits?: Rlimit[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
  ioPriority?: IoPriority;
  scheduler?: Scheduler;
  execCPUAffinity?: CpuAffinity;
}

export const IOPRIO_CLASSES = ["IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"] as const;

export interface IoPriority {
  class: (typeof IOPRIO_CLASSES)[number];
  /** 0 to 7. */
  priority?: number;
}

export const SCHED_POLICIES = [
  "SCHED_OTHER",
  "SCHED_FIFO",
  "SCHED_RR",
  "SCHED_BATCH",
  "SCHED_ISO",
  "SCHED_IDLE",
  "SCHED_DEADLINE",
] as const;
export const SCHED_FLAGS = [
  "SCHED_FLAG_RESET_ON_FORK",
  "SCHED_FLAG_RECLAIM",
  "SCHED_FLAG_DL_OVERRUN",
  "SCHED_FLAG_KEEP_POLICY",
  "SCHED_FLAG_KEEP_PARAMS",
  "SCHED_FLAG_UTIL_CLAMP_MIN",
  "SCHED_FLAG_UTIL_CLAMP_MAX",
] as const;

export interface Scheduler {
  policy: (typeof SCHED_POLICIES)[number];
  nice?: number;
  /** 1 to 99 for SCHED_FIFO and SCHED_RR, else 0. */
  priority?: number;
  flags?: (typeof SCHED_FLAGS)[number][];
  runtime?: number;
  deadline?: number;
  period?: number;
}

/** CPU lists in the kernel's format ("0-3,7"). */
export interface CpuAffinity {
  initial?: string;
  final?: string;
}

export interface User {
  uid: number;
  gid: number;
  umask?: number;
  additionalGids?: number[];
  username?: string;
}

export const CAPABILITY_SETS = ["bounding", "effective", "inheritable", "permitted", "ambient"] as const;
export type CapabilitySet = (typeof CAPABILITY_SETS)[number];
export type Capabilities = Partial<Record<CapabilitySet, string[]>>;

export interface Rlimit {
  type: string;
  soft: number;
  hard: number;
}

export interface Mount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
}

export interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

export const HOOK_TYPES = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"] as const;
export type HookType = (typeof HOOK_TYPES)[number];

export interface Hook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

export type Hooks = Partial<Record<HookType, Hook[]>>;

export const NAMESPACE_TYPES = ["pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"] as const;
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];

export interface Namespace {
  type: NamespaceType;
  path?: string;
}

export interface Device {
  type: "c" | "b" | "u" | "p";
  path: string;
  major?: number;
  minor?: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface DeviceRule {
  allow: boolean;
  type?: "a" | "b" | "c";
  /** Negative: any ("*"). */
  major?: number;
  minor?: number;
  /** Some of "rwm". */
  access?: string;
}

/** linux.resources (config.json) or an update's --resources. -1 means "no limit" where the spec says so. */
export interface Resources {
  devices?: DeviceRule[];
  memory?: MemoryResources;
  cpu?: CpuResources;
  pids?: { limit: number };
  blockIO?: BlockIO;
  hugepageLimits?: HugepageLimit[];
  network?: NetworkResources;
  /** Refused: not supported yet. */
  rdma?: Record<string, { hcaHandles?: number; hcaObjects?: number }>;
  /** Raw cgroup v2 files ("memory.high") and their values. */
  unified?: Record<string, string>;
}

export interface MemoryResources {
  limit?: number;
  reservation?: number;
  /** Memory plus swap, as on cgroup v1. */
  swap?: number;
  /** Deprecated; ignored with a warning. */
  kernel?: number;
  kernelTCP?: number;
  swappiness?: number;
  disableOOMKiller?: boolean;
  useHierarchy?: boolean;
  checkBeforeUpdate?: boolean;
}

export interface CpuResources {
  shares?: number;
  quota?: number;
  burst?: number;
  period?: number;
  realtimeRuntime?: number;
  realtimePeriod?: number;
  /** CPU and memory node lists in the kernel's format ("0-3,7"). */
  cpus?: string;
  mems?: string;
  idle?: number;
}

export interface WeightDevice {
  major: number;
  minor: number;
  weight?: number;
  leafWeight?: number;
}

export interface ThrottleDevice {
  major: number;
  minor: number;
  rate: number;
}

export interface BlockIO {
  weight?: number;
  leafWeight?: number;
  weightDevice?: WeightDevice[];
  throttleReadBpsDevice?: ThrottleDevice[];
  throttleWriteBpsDevice?: ThrottleDevice[];
  throttleReadIOPSDevice?: ThrottleDevice[];
  throttleWriteIOPSDevice?: ThrottleDevice[];
}

export interface HugepageLimit {
  /** "2MB", "1GB". */
  pageSize: string;
  limit: number;
}

export interface NetworkResources {
  classID?: number;
  priorities?: { name: string; priority: number }[];
}

export const SECCOMP_ACTIONS = [
  "SCMP_ACT_KILL",
  "SCMP_ACT_KILL_PROCESS",
  "SCMP_ACT_KILL_THREAD",
  "SCMP_ACT_TRAP",
  "SCMP_ACT_ERRNO",
  "SCMP_ACT_TRACE",
  "SCMP_ACT_ALLOW",
  "SCMP_ACT_LOG",
  "SCMP_ACT_NOTIFY",
] as const;
/** The actions lxcri applies (SCMP_ACT_NOTIFY with a listenerPath, not as the default action). */
export type SeccompAction = (typeof SECCOMP_ACTIONS)[number];
export const SECCOMP_OPERATORS = [
  "SCMP_CMP_NE",
  "SCMP_CMP_LT",
  "SCMP_CMP_LE",
  "SCMP_CMP_EQ",
  "SCMP_CMP_GE",
  "SCMP_CMP_GT",
  "SCMP_CMP_MASKED_EQ",
] as const;
export type SeccompOperator = (typeof SECCOMP_OPERATORS)[number];
/** The flags lxcri applies (as libseccomp filter attributes). */
export const SECCOMP_FLAGS = [
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
] as const;
export type SeccompFlag = (typeof SECCOMP_FLAGS)[number];

export interface Seccomp {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  /** "SCMP_ARCH_X86_64", ... */
  architectures?: string[];
  flags?: SeccompFlag[];
  /** The seccomp agent's unix socket (absolute): each confined process's notify fd goes there with its state. */
  listenerPath?: string;
  /** Passed to the agent as is. */
  listenerMetadata?: string;
  syscalls?: SeccompSyscall[];
}

export interface SeccompSyscall {
  /** Syscall names ([a-z0-9_]+). */
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: SeccompArg[];
}

export interface SeccompArg {
  /** 0 to 5. */
  index: number;
  /** An unsigned 64-bit value; the checker leaves a decimal string (JSON numbers above 2^53 are inexact). */
  value: number | string;
  valueTwo?: number | string;
  op: SeccompOperator;
}

export const PERSONALITY_DOMAINS = ["LINUX", "LINUX32"] as const;

export interface Personality {
  domain: (typeof PERSONALITY_DOMAINS)[number];
  /** None are defined by the spec: refused when not empty. */
  flags?: string[];
}

export const MPOL_MODES = [
  "MPOL_DEFAULT",
  "MPOL_PREFERRED",
  "MPOL_BIND",
  "MPOL_INTERLEAVE",
  "MPOL_LOCAL",
  "MPOL_PREFERRED_MANY",
  "MPOL_WEIGHTED_INTERLEAVE",
] as const;
export const MPOL_FLAGS = ["MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"] as const;

export interface MemoryPolicy {
  mode: (typeof MPOL_MODES)[number];
  /** A node list in the kernel's format ("0-3,7"). */
  nodes?: string;
  flags?: (typeof MPOL_FLAGS)[number][];
}

export const TIME_CLOCKS = ["boottime", "monotonic"] as const;

export interface TimeOffset {
  secs?: number;
  /** 0 to 999999999. */
  nanosecs?: number;
}

export const ROOTFS_PROPAGATIONS = ["shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable"] as const;

/** Refused: not supported yet. */
export interface IntelRdt {
  closID?: string;
  l3CacheSchema?: string;
  memBwSchema?: string;
  schemata?: string[];
  enableMonitoring?: boolean;
}

/** Refused: not supported yet. */
export interface NetDevice {
  name?: string;
}

export interface Linux {
  namespaces?: Namespace[];
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
  devices?: Device[];
  /** A path, or with --systemd-cgroup "slice:prefix:name". */
  cgroupsPath?: string;
  resources?: Resources;
  sysctl?: Record<string, string>;
  seccomp?: Seccomp;
  rootfsPropagation?: (typeof ROOTFS_PROPAGATIONS)[number];
  maskedPaths?: string[];
  readonlyPaths?: string[];
  mountLabel?: string;
  intelRdt?: IntelRdt;
  personality?: Personality;
  timeOffsets?: Partial<Record<(typeof TIME_CLOCKS)[number], TimeOffset>>;
  memoryPolicy?: MemoryPolicy;
  netDevices?: Record<string, NetDevice>;
}

/** OCI state (runtime.md), as `state` prints it and hooks read it on stdin. */
export type Status = "creating" | "created" | "running" | "stopped" | "paused";

export interface State {
  ociVersion: string;
  id: string;
  status: Status;
  pid?: number;
  bundle: string;
  annotations?: Record<string, string>;
}
