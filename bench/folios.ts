// How an executable's bytes sit in the page cache: how many of its pages are in small (4 KiB)
// folios rather than large ones. Two copies of the same executable, made the same way at the
// same moment, ran `--version` 3.6 and 4.5 ms of CPU here, the slower one with 4 % of its pages
// in small folios; dropping its cache and reading it again sequentially (`settle`) put it in
// large folios and at the other's time (docs/performance.md, "Issue 23, round 7: the
// executable's layout"). An A/B of executables is only fair when their copies are alike here.
//   bun bench/folios.ts <file> …        prints each file's small and large pages
//   bun bench/folios.ts --settle <file> …  settles each file first
// Root only (/proc/kpageflags, the page frames in /proc/self/pagemap).
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { resolve } from "node:path";

const PAGE = 4096;
// /proc/kpageflags bits (Documentation/admin-guide/mm/pagemap.rst)
const COMPOUND_HEAD = 15n;
const COMPOUND_TAIL = 16n;

/** Pages of `path` in the page cache: in small folios, in large ones, and not resident. */
export function folios(path: string): { small: number; large: number; absent: number } {
  const map = Bun.mmap(path, { shared: false });
  const pages = Math.ceil(map.length / PAGE);
  let sum = 0;
  for (let i = 0; i < pages; i++) sum += map[i * PAGE]!; // each page mapped (and read in if it was not)
  const lines = readFileSync("/proc/self/maps", "utf8").split("\n");
  // the mapping Bun.mmap made: the one of this file whose length is the file's, page-rounded
  const mine = lines.find((l) => {
    if (!l.endsWith(` ${path}`)) return false;
    const [a, b] = l
      .split(" ")[0]!
      .split("-")
      .map((x) => BigInt(`0x${x}`));
    return b! - a! === BigInt(pages * PAGE);
  });
  if (!mine) throw new Error(`${path}: its mapping is not in /proc/self/maps`);
  const start = BigInt(`0x${mine.split("-")[0]}`);
  const pagemap = openSync("/proc/self/pagemap", "r");
  const flags = openSync("/proc/kpageflags", "r");
  const entries = Buffer.alloc(pages * 8);
  for (let got = 0; got < entries.length; ) {
    const n = readSync(pagemap, entries, got, entries.length - got, Number((start / BigInt(PAGE)) * 8n) + got);
    if (n <= 0) throw new Error(`${path}: /proc/self/pagemap gave ${got} of ${entries.length} bytes`);
    got += n;
  }
  const word = Buffer.alloc(8);
  const out = { small: 0, large: 0, absent: 0 };
  for (let i = 0; i < pages; i++) {
    const e = entries.readBigUInt64LE(i * 8);
    if (!(e >> 63n)) {
      out.absent++;
      continue;
    }
    readSync(flags, word, 0, 8, Number((e & ((1n << 55n) - 1n)) * 8n));
    const f = word.readBigUInt64LE(0);
    if ((f >> COMPOUND_HEAD) & 1n || (f >> COMPOUND_TAIL) & 1n) out.large++;
    else out.small++;
  }
  closeSync(pagemap);
  closeSync(flags);
  if (sum + map[0]! < 0) throw new Error("unreachable"); // keeps the reads, and the mapping alive (a collected one is unmapped)
  return out;
}

/** Writes the file out, drops its page cache (dd's nocache with no count: the whole file) and reads it back sequentially: its pages then sit in large folios, but for the first ~128. */
export function settle(path: string): void {
  Bun.spawnSync(["sync", path]); // written out first: a dirty page is not dropped
  const drop = Bun.spawnSync(["dd", `if=${path}`, "iflag=nocache", "count=0", "status=none"]);
  if (drop.exitCode !== 0) throw new Error(`${path}: dropping its cache failed: ${drop.stderr}`);
  const read = Bun.spawnSync(["cat", path], { stdout: "ignore" });
  if (read.exitCode !== 0) throw new Error(`${path}: reading it failed`);
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const settling = args[0] === "--settle";
  for (const f of settling ? args.slice(1) : args) {
    const path = resolve(f);
    if (settling) settle(path);
    const r = folios(path);
    console.log(`${path}: ${r.small} pages in small folios, ${r.large} in large, ${r.absent} not resident`);
  }
}
