// A console-socket peer for tests, as conmon is one: listens at argv[2],
// takes the pty master from the first connection, writes the pty's name to
// argv[3].name, types argv[4] (if any) into the terminal, and copies
// everything the terminal prints to argv[3] until the pty closes.
import { appendFileSync, readSync, writeFileSync, writeSync } from "node:fs";
import { acceptUnix, listenUnix, receiveFd } from "../../ffi/fd-passing.ts";
import { closeFd } from "../../ffi/fds.ts";

const [socketPath, out, input] = process.argv.slice(2) as [string, string, string | undefined];
const server = listenUnix(socketPath);
writeFileSync(out, "");
console.log("listening"); // the test waits for this line
const conn = acceptUnix(server);
const { fd: master, data } = receiveFd(conn);
closeFd(conn);
closeFd(server);
writeFileSync(`${out}.name`, data);
if (input) writeSync(master, input);
const buf = Buffer.alloc(4096);
for (;;) {
  let n: number;
  try {
    n = readSync(master, buf, 0, buf.length, null);
  } catch {
    break; // EIO: the last slave is closed
  }
  if (n === 0) break;
  appendFileSync(out, buf.subarray(0, n));
}
