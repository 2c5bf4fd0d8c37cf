// node:path's posix join and normalize, for the modules on the short calls'
// paths (start, kill, delete): importing node:path costs a compiled lxcri
// more than its use (docs/performance.md, "What start-up costs"). Pure string work; test/unit/path.test.ts
// holds it to node:path's answers.

/** `path` with duplicate slashes, "." and ".." resolved as far as the text allows; a trailing slash kept. */
export function normalize(path: string): string {
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== "..") out.push(part);
    else if (out.length && out[out.length - 1] !== "..") out.pop();
    else if (!absolute) out.push("..");
  }
  const joined = (absolute ? "/" : "") + out.join("/");
  const body = joined === "" ? "." : joined;
  return path.endsWith("/") && body !== "/" ? `${body}/` : body;
}

/** The parts joined with "/" and normalised, as node:path's join. */
export function join(...parts: string[]): string {
  // a loop, not filter: the hot calls join paths, and each array builtin costs a call its first use
  let joined = "";
  for (const p of parts) if (p !== "") joined = joined === "" ? p : `${joined}/${p}`;
  return joined === "" ? "." : normalize(joined);
}

/** Whether `path` is absolute, as node:path's isAbsolute. */
export const isAbsolute = (path: string): boolean => path.startsWith("/");

/** The directory part of `path`, as node:path's dirname (trailing slashes ignored; "//a" gives "//", as there). */
export function dirname(path: string): string {
  if (path === "") return ".";
  const hasRoot = path.startsWith("/");
  let end = -1;
  let matched = true;
  for (let i = path.length - 1; i >= 1; i--)
    if (path[i] === "/") {
      if (!matched) {
        end = i;
        break;
      }
    } else matched = false;
  if (end === -1) return hasRoot ? "/" : ".";
  if (hasRoot && end === 1) return "//";
  return path.slice(0, end);
}

/** The parts resolved right to left against the working directory into a normalised absolute path, as node:path's resolve. */
export function resolve(...parts: string[]): string {
  let resolved = "";
  for (let i = parts.length - 1; i >= -1 && !resolved.startsWith("/"); i--) {
    const p = i >= 0 ? parts[i]! : process.cwd();
    if (p !== "") resolved = resolved === "" ? p : `${p}/${resolved}`;
  }
  const n = normalize(resolved);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}
