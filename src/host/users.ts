// A host uid's user name, as runc's `list` shows a container's OWNER
// (user.LookupUid): the host's /etc/passwd, and `#<uid>` when it has no entry.
import { tryReadText } from "./fs.ts";

export function userName(uid: number, passwd = tryReadText("/etc/passwd") ?? ""): string {
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f.length >= 7 && f[2] === String(uid) && f[0]) return f[0];
  }
  return `#${uid}`;
}
