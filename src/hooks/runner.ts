// What start and delete take of the hooks, when a container has some: the poststart and poststop
// runners, a startContainer run's trace, a failure's wording. One module so that the executable
// serves it as one bundle (scripts/hot-bundles.ts bundleRunner), not as the split graph's 14
// chunks, most of them second copies of what the hot bundle already holds: their import took a
// delete with hooks 0.7 ms, the bundle's 0.2 (docs/performance.md, "Issue 23, round 8: the hooks'
// runner's import"). A plain start or delete never imports it.
export { runPoststart, runPoststop } from "./points.ts";
export { describeFailure } from "./run.ts";
export { appendTrace } from "./trace.ts";
