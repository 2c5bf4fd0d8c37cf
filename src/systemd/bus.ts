// A D-Bus connection to systemd (PID 1) over its private socket, as
// systemctl makes one as root: no dbus-daemon in between (a host may have
// none), no Hello, and systemd sends its job signals to every such connection.
// Written here rather than taken from libsystemd's sd-bus through bun:ffi or
// an npm D-Bus package: a handful of calls need one socket (Bun.connect, far
// cheaper than loading node:net: docs/performance.md, "What start-up costs") and src/systemd/wire.ts.
// Rootless, the user's own systemd is reached as runc reaches it: through the
// user's session bus (a dbus-daemon: Hello, calls addressed to systemd, its
// signals subscribed to), src/systemd/user-bus.ts finds it.
import type { Socket } from "bun";
import { decodeMessage, encodeCall, type Message, MessageType, messageLength, type Value } from "./wire.ts";

export const PRIVATE_SOCKET = "/run/systemd/private";
const SYSTEMD = "org.freedesktop.systemd1";

/** Which systemd: PID 1 over its private socket, or a user's manager over the user's session bus (a message bus). */
export interface Target {
  path: string;
  messageBus: boolean;
}
export const SYSTEM: Target = { path: PRIVATE_SOCKET, messageBus: false };

/** An error reply: systemd's error name (org.freedesktop.systemd1.NoSuchUnit, ...) and its message. */
export class BusError extends Error {
  constructor(
    public readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Call {
  /** On a message bus, whom the call is for (default: systemd). */
  destination?: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: Value[];
}

export class Bus {
  private socket?: Socket;
  private received: Uint8Array = new Uint8Array(0);
  /** Until BEGIN: the server's authentication reply line. */
  private authReply?: string;
  private messages: Message[] = [];
  private unsent: Uint8Array[] = [];
  private wake?: () => void;
  private failure?: Error;
  private serial = 0;

  private constructor(
    private readonly path: string,
    /** Every wait on this connection ends by this time (ms since the epoch). */
    private readonly deadline: number,
    private readonly messageBus: boolean,
  ) {}

  /**
   * Connects and authenticates (EXTERNAL: the server checks our uid against the socket's peer).
   * On a message bus, also Hello, and a subscription to systemd's job signals.
   */
  static async connect(target: Target = SYSTEM, timeoutMs = 5000): Promise<Bus> {
    const { path, messageBus } = target;
    const bus = new Bus(path, Date.now() + timeoutMs, messageBus);
    try {
      bus.socket = await Bun.connect({
        unix: path,
        socket: {
          data: (_s, chunk) => bus.receive(chunk),
          drain: () => bus.flush(),
          close: () => bus.fail(new Error(`${path}: systemd closed the connection`)),
          error: (_s, e) => bus.fail(e),
        },
      });
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`);
    }
    try {
      await bus.authenticate();
      if (messageBus) {
        await bus.call({
          destination: "org.freedesktop.DBus",
          path: "/org/freedesktop/DBus",
          interface: "org.freedesktop.DBus",
          member: "Hello",
        });
        // a bus delivers a signal only to those who asked for it, and systemd sends its job signals only once subscribed to
        const match = `type='signal',sender='${SYSTEMD}',interface='${SYSTEMD}.Manager',member='JobRemoved'`;
        await bus.call({
          destination: "org.freedesktop.DBus",
          path: "/org/freedesktop/DBus",
          interface: "org.freedesktop.DBus",
          member: "AddMatch",
          signature: "s",
          body: [match],
        });
        await bus.call({ path: "/org/freedesktop/systemd1", interface: `${SYSTEMD}.Manager`, member: "Subscribe" });
      }
    } catch (e) {
      bus.close();
      throw e;
    }
    return bus;
  }

  /**
   * SASL EXTERNAL. To systemd's private socket with our uid, as before. To a message bus with no
   * uid at all (then the daemon takes the socket's peer's, as sd-bus does): in a user namespace
   * (podman's rootless one) our uid is not the one the daemon sees.
   *
   * Every line goes at once, BEGIN included, and the first message only after the server's OK, as
   * sd-bus's own client does. The other order (BEGIN after OK, the first call right behind it)
   * loses the call when the server reads both at once: sd-bus keeps what follows BEGIN in its
   * buffer and reads it only when more bytes arrive, which none do while we wait for the reply. In
   * the emulated guest systemd left one delete in ~40 unanswered so, until the bus deadline.
   */
  private async authenticate(): Promise<void> {
    const line = async (): Promise<string> => {
      while (!this.authReply!.includes("\r\n")) await this.waitForData();
      const i = this.authReply!.indexOf("\r\n");
      const l = this.authReply!.slice(0, i);
      this.authReply = this.authReply!.slice(i + 2);
      return l;
    };
    this.authReply = "";
    const uid = this.messageBus ? "" : ` ${Buffer.from(String(process.getuid?.() ?? 0)).toString("hex")}`;
    // without a uid the server asks for it (DATA) and takes an empty answer as "the socket's peer"
    this.send(new TextEncoder().encode(`\0AUTH EXTERNAL${uid}\r\n${uid ? "" : "DATA\r\n"}BEGIN\r\n`));
    let reply = await line();
    if (reply === "DATA") reply = await line();
    const rest = this.authReply;
    this.authReply = undefined;
    if (!reply.startsWith("OK ")) throw new Error(`${this.path}: D-Bus authentication refused: ${reply}`);
    // the server sends nothing unasked; should it, what came after OK is the first message's
    if (rest) this.receive(new Uint8Array(Buffer.from(rest, "latin1")));
  }

  private receive(chunk: Uint8Array): void {
    if (this.authReply !== undefined) this.authReply += Buffer.from(chunk).toString("latin1");
    else {
      const all = new Uint8Array(this.received.length + chunk.length);
      all.set(this.received);
      all.set(chunk, this.received.length);
      this.received = all;
      try {
        for (let n = messageLength(this.received); n !== undefined && this.received.length >= n; n = messageLength(this.received)) {
          this.messages.push(decodeMessage(this.received.subarray(0, n)));
          this.received = this.received.slice(n);
        }
      } catch (e) {
        this.fail(e as Error);
      }
    }
    this.wake?.();
  }

  private send(bytes: Uint8Array): void {
    this.unsent.push(bytes);
    this.flush();
  }

  /** Writes what the socket takes; Bun calls drain for the rest. */
  private flush(): void {
    while (this.unsent.length && this.socket) {
      const head = this.unsent[0]!;
      const n = this.socket.write(head);
      if (n < head.length) {
        this.unsent[0] = head.subarray(Math.max(n, 0));
        return;
      }
      this.unsent.shift();
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake?.();
  }

  private async waitForData(): Promise<void> {
    if (this.failure) throw this.failure;
    const left = this.deadline - Date.now();
    if (left <= 0) throw new Error(`${this.path}: systemd did not answer in time`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  /** Calls a method and returns the reply; an error reply throws BusError. */
  async call(c: Call): Promise<Message> {
    const serial = ++this.serial;
    this.send(encodeCall(serial, this.messageBus ? { ...c, destination: c.destination ?? SYSTEMD } : c));
    const reply = await this.next((m) => (m.type === MessageType.reply || m.type === MessageType.error) && m.replySerial === serial);
    if (reply.type === MessageType.error) throw new BusError(reply.errorName ?? "error", String(reply.body[0] ?? reply.errorName));
    return reply;
  }

  /** The first message (received already or yet to come) that `match` takes; the others stay queued. */
  async next(match: (m: Message) => boolean): Promise<Message> {
    for (;;) {
      const i = this.messages.findIndex(match);
      if (i >= 0) return this.messages.splice(i, 1)[0]!;
      await this.waitForData();
    }
  }

  close(): void {
    const s = this.socket;
    this.socket = undefined;
    this.failure ??= new Error(`${this.path}: closed`);
    s?.end();
  }
}
