// Imported first by `lxcri create`'s entry (src/cli/hot/create.ts): the cgroup-migration warm-up
// (plan.ts warmCgroupMigration) starts as the bundle is evaluated, ~2 ms before create() would
// start it, so that its grace period (the kernel holds cgroup_mutex through it) is over sooner:
// liblxc's monitor waits for that mutex at its first cgroup mkdir (docs/performance.md, "Issue 23,
// round 8"). A command line that turns out not to be create has moved itself into its own
// cgroup: nothing.
import { warmCgroupMigrationEarly } from "./plan.ts";

warmCgroupMigrationEarly();
