// The connection to a user's session bus (rootless --systemd-cgroup, src/systemd/bus.ts) against
// a fake dbus-daemon on a unix socket: EXTERNAL without a uid (in podman's user namespace our uid
// is not the one the daemon sees), Hello, a match for systemd's JobRemoved and Subscribe, and
// every call addressed to systemd. PID 1's private socket keeps the uid and no Hello.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bus } from "../../src/systemd/bus.ts";
import { decodeMessage, type Message, MessageType, messageLength, variant, Writer } from "../../src/systemd/wire.ts";

/** A method return for `serial`, with a string body when given. */
function reply(serial: number, replySerial: number, body?: string): Uint8Array {
  const fields = [[5, variant("u", replySerial)], ...(body !== undefined ? [[8, variant("g", "s")]] : [])];
  const b = new Writer();
  if (body !== undefined) b.write("s", [body]);
  const w = new Writer();
  w.write("yyyyuua(yv)", ["l".charCodeAt(0), MessageType.reply, 0, 1, b.length, serial, fields]);
  w.align(8);
  const head = w.bytesWritten();
  const out = new Uint8Array(head.length + b.length);
  out.set(head);
  out.set(b.bytesWritten(), head.length);
  return out;
}

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A fake server: its SASL lines and the calls it got. `likeSdBus`: what came in the same read as
 * BEGIN stays unread until more bytes arrive, as in sd-bus's server (systemd's private socket).
 */
function fakeServer(messageBus: boolean, likeSdBus = false) {
  dir = mkdtempSync(join(tmpdir(), "lxcri-test-bus-"));
  const path = join(dir, "bus");
  const seen = { auth: [] as string[], calls: [] as Message[] };
  let text = "";
  let bin = new Uint8Array(0);
  let began = false;
  let serial = 100;
  const server = Bun.listen({
    unix: path,
    socket: {
      data(s, received) {
        let chunk: Uint8Array = received;
        if (!began) {
          text += Buffer.from(chunk).toString("latin1");
          for (let i = text.indexOf("\r\n"); i >= 0; i = text.indexOf("\r\n")) {
            const line = text.slice(0, i).replace(/^\0/, "");
            text = text.slice(i + 2);
            seen.auth.push(line);
            if (line === "AUTH EXTERNAL") s.write("DATA\r\n");
            else if (line === "DATA" || line.startsWith("AUTH EXTERNAL ")) s.write("OK 0123456789abcdef0123456789abcdef\r\n");
            else if (line === "BEGIN") {
              began = true;
              chunk = new Uint8Array(Buffer.from(text, "latin1"));
              text = "";
              break;
            }
          }
          if (!began) return;
          if (likeSdBus) {
            bin = new Uint8Array(chunk);
            return;
          }
        }
        const all = new Uint8Array(bin.length + chunk.length);
        all.set(bin);
        all.set(chunk, bin.length);
        bin = all;
        for (let n = messageLength(bin); n !== undefined && bin.length >= n; n = messageLength(bin)) {
          const m = decodeMessage(bin.subarray(0, n));
          bin = bin.slice(n);
          seen.calls.push(m);
          s.write(reply(++serial, m.serial, m.member === "Hello" ? ":1.42" : m.member === "Get" ? "x" : undefined));
        }
      },
    },
  });
  return { target: { path, messageBus }, seen, stop: () => server.stop(true) };
}

/** One method call addressed to systemd, after the connection's own set-up. */
const getProperty = (bus: Bus) =>
  bus.call({
    path: "/org/freedesktop/systemd1",
    interface: "org.freedesktop.DBus.Properties",
    member: "Get",
    signature: "ss",
    body: ["a", "b"],
  });

describe("D-Bus connections", () => {
  test("a message bus: EXTERNAL without a uid, Hello, AddMatch for JobRemoved, Subscribe; calls addressed to systemd", async () => {
    const f = fakeServer(true);
    try {
      const bus = await Bus.connect(f.target, 5000);
      await getProperty(bus);
      bus.close();
      expect(f.seen.auth).toEqual(["AUTH EXTERNAL", "DATA", "BEGIN"]);
      expect(f.seen.calls.map((m) => [m.destination, m.member])).toEqual([
        ["org.freedesktop.DBus", "Hello"],
        ["org.freedesktop.DBus", "AddMatch"],
        ["org.freedesktop.systemd1", "Subscribe"],
        ["org.freedesktop.systemd1", "Get"],
      ]);
      expect(String(f.seen.calls[1]!.body[0])).toContain("member='JobRemoved'");
    } finally {
      f.stop();
    }
  });

  test("systemd's private socket: EXTERNAL with our uid, no Hello, no destination", async () => {
    const f = fakeServer(false);
    try {
      const bus = await Bus.connect(f.target, 5000);
      await getProperty(bus);
      bus.close();
      expect(f.seen.auth).toEqual([`AUTH EXTERNAL ${Buffer.from(String(process.getuid!())).toString("hex")}`, "BEGIN"]);
      expect(f.seen.calls.map((m) => [m.destination, m.member])).toEqual([[undefined, "Get"]]);
    } finally {
      f.stop();
    }
  });

  // systemd's sd-bus reads past BEGIN into its buffer and parses that only on the next read: a
  // client that sends BEGIN and its first call together waits for a reply that never comes
  for (const messageBus of [false, true])
    test(`the first call is answered by a server that reads past BEGIN only on more input (${messageBus ? "message bus" : "private socket"})`, async () => {
      const f = fakeServer(messageBus, true);
      try {
        const bus = await Bus.connect(f.target, 2000);
        await getProperty(bus);
        bus.close();
        expect(f.seen.calls.at(-1)?.member).toBe("Get");
      } finally {
        f.stop();
      }
    });
});
