// The D-Bus wire format (dbus-specification "Message Protocol"), as much of it
// as talking to systemd needs: little-endian messages, the basic types, arrays,
// structs, dict entries and variants. Pure: bytes in, values out, so the unit
// tests check it byte for byte.
//
// Values by signature: y n q i u x t → number (x and t as bigint), b → boolean,
// s o g → string, a… → an array (a{…} too: an array of [key, value] pairs),
// (…) and {…} → an array of the members, v → [signature, value].

export type Value = number | bigint | boolean | string | Value[] | Variant;
export type Variant = { sig: string; value: Value };

export const variant = (sig: string, value: Value): Variant => ({ sig, value });

const ALIGN: Record<string, number> = {
  y: 1,
  b: 4,
  n: 2,
  q: 2,
  i: 4,
  u: 4,
  x: 8,
  t: 8,
  d: 8,
  s: 4,
  o: 4,
  g: 1,
  a: 4,
  "(": 8,
  "{": 8,
  v: 1,
};

/** The length of the first complete type in `sig` at `at`. */
function typeLength(sig: string, at: number): number {
  const c = sig[at];
  if (c === "a") return 1 + typeLength(sig, at + 1);
  if (c === "(" || c === "{") {
    const close = c === "(" ? ")" : "}";
    let i = at + 1;
    while (sig[i] !== close) {
      if (i >= sig.length) throw new Error(`D-Bus signature ${JSON.stringify(sig)}: unterminated ${c}`);
      i += typeLength(sig, i);
    }
    return i + 1 - at;
  }
  if (c === undefined || !(c in ALIGN)) throw new Error(`D-Bus signature ${JSON.stringify(sig)}: unsupported type at ${at}`);
  return 1;
}

/** The single complete types a signature is made of: "sa(sv)" → ["s", "a(sv)"]. */
export function splitSignature(sig: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < sig.length; ) {
    const n = typeLength(sig, i);
    out.push(sig.slice(i, i + n));
    i += n;
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Marshals values into a growing buffer; offsets (and so alignment) count from the message's first byte. */
export class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf);
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    this.room(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }

  private u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }

  private u32(v: number): void {
    this.align(4);
    this.room(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }

  private bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Writes each value of `values` as the matching complete type of `sig`. */
  write(sig: string, values: readonly Value[]): void {
    const types = splitSignature(sig);
    if (types.length !== values.length) throw new Error(`D-Bus: signature ${sig} takes ${types.length} values, got ${values.length}`);
    types.forEach((t, i) => this.one(t, values[i]!));
  }

  private one(t: string, v: Value): void {
    const c = t[0]!;
    switch (c) {
      case "y":
        return this.u8(Number(v));
      case "b":
        return this.u32(v ? 1 : 0);
      case "n":
      case "q":
        this.align(2);
        this.room(2);
        this.view.setUint16(this.length, Number(v) & 0xffff, true);
        this.length += 2;
        return;
      case "i":
        this.align(4);
        this.room(4);
        this.view.setInt32(this.length, Number(v), true);
        this.length += 4;
        return;
      case "u":
        return this.u32(Number(v));
      case "x":
      case "t":
        this.align(8);
        this.room(8);
        if (c === "x") this.view.setBigInt64(this.length, BigInt(v as number | bigint), true);
        else this.view.setBigUint64(this.length, BigInt(v as number | bigint), true);
        this.length += 8;
        return;
      case "s":
      case "o": {
        const b = encoder.encode(String(v));
        this.u32(b.length);
        this.bytes(b);
        return this.u8(0);
      }
      case "g": {
        const b = encoder.encode(String(v));
        this.u8(b.length);
        this.bytes(b);
        return this.u8(0);
      }
      case "v": {
        const { sig, value } = v as Variant;
        if (typeLength(sig, 0) !== sig.length) throw new Error(`D-Bus: a variant holds one complete type, not ${JSON.stringify(sig)}`);
        this.one("g", sig);
        return this.one(sig, value);
      }
      case "a": {
        const elem = t.slice(1);
        this.u32(0); // the array's length in bytes, patched below
        const lengthAt = this.length - 4;
        this.align(ALIGN[elem[0]!]!);
        const start = this.length;
        for (const e of v as Value[]) this.one(elem, e);
        this.view.setUint32(lengthAt, this.length - start, true);
        return;
      }
      case "(":
      case "{": {
        this.align(8);
        const members = splitSignature(t.slice(1, -1));
        const vs = v as Value[];
        if (members.length !== vs.length) throw new Error(`D-Bus: struct ${t} takes ${members.length} members, got ${vs.length}`);
        members.forEach((m, i) => this.one(m, vs[i]!));
        return;
      }
    }
    throw new Error(`D-Bus: cannot write type ${t}`);
  }

  bytesWritten(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Unmarshals values from a message's bytes (little-endian only: what lxcri sends, it reads back from systemd on the same host). */
export class Reader {
  private view: DataView;
  constructor(
    private buf: Uint8Array,
    public at = 0,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  align(n: number): void {
    this.at += (n - (this.at % n)) % n;
  }

  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new Error("D-Bus: message ends inside a value");
  }

  read(sig: string): Value[] {
    return splitSignature(sig).map((t) => this.one(t));
  }

  private u32(): number {
    this.align(4);
    this.need(4);
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  private one(t: string): Value {
    const c = t[0]!;
    switch (c) {
      case "y":
        this.need(1);
        return this.buf[this.at++]!;
      case "b":
        return this.u32() !== 0;
      case "n":
      case "q": {
        this.align(2);
        this.need(2);
        const v = c === "n" ? this.view.getInt16(this.at, true) : this.view.getUint16(this.at, true);
        this.at += 2;
        return v;
      }
      case "i": {
        this.align(4);
        this.need(4);
        const v = this.view.getInt32(this.at, true);
        this.at += 4;
        return v;
      }
      case "u":
        return this.u32();
      case "x":
      case "t":
      case "d": {
        this.align(8);
        this.need(8);
        const v =
          c === "x"
            ? this.view.getBigInt64(this.at, true)
            : c === "t"
              ? this.view.getBigUint64(this.at, true)
              : this.view.getFloat64(this.at, true);
        this.at += 8;
        return v;
      }
      case "s":
      case "o": {
        const n = this.u32();
        this.need(n + 1);
        const s = decoder.decode(this.buf.subarray(this.at, this.at + n));
        this.at += n + 1;
        return s;
      }
      case "g": {
        this.need(1);
        const n = this.buf[this.at++]!;
        this.need(n + 1);
        const s = decoder.decode(this.buf.subarray(this.at, this.at + n));
        this.at += n + 1;
        return s;
      }
      case "v": {
        const sig = this.one("g") as string;
        if (typeLength(sig, 0) !== sig.length) throw new Error(`D-Bus: a variant with signature ${JSON.stringify(sig)}`);
        return variant(sig, this.one(sig));
      }
      case "a": {
        const n = this.u32();
        const elem = t.slice(1);
        this.align(ALIGN[elem[0]!]!);
        const end = this.at + n;
        this.need(n);
        const out: Value[] = [];
        while (this.at < end) out.push(this.one(elem));
        if (this.at !== end) throw new Error("D-Bus: array elements overrun the array's length");
        return out;
      }
      case "(":
      case "{":
        this.align(8);
        return splitSignature(t.slice(1, -1)).map((m) => this.one(m));
    }
    throw new Error(`D-Bus: cannot read type ${t}`);
  }
}

export const MessageType = { call: 1, reply: 2, error: 3, signal: 4 } as const;

/** Header field codes. */
const FIELD = { path: 1, interface: 2, member: 3, errorName: 4, replySerial: 5, destination: 6, sender: 7, signature: 8 } as const;
const FIELD_SIG: Record<number, string> = { 1: "o", 2: "s", 3: "s", 4: "s", 5: "u", 6: "s", 7: "s", 8: "g", 9: "u" };

export interface Message {
  type: number;
  serial: number;
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  replySerial?: number;
  destination?: string;
  sender?: string;
  signature?: string;
  body: Value[];
}

/** A method call's bytes. */
export function encodeCall(
  serial: number,
  call: { destination?: string; path: string; interface: string; member: string; signature?: string; body?: Value[] },
): Uint8Array {
  const sig = call.signature ?? "";
  const body = new Writer();
  body.write(sig, call.body ?? []);
  const fields: Value[] = [
    [FIELD.path, variant("o", call.path)],
    [FIELD.interface, variant("s", call.interface)],
    [FIELD.member, variant("s", call.member)],
  ];
  if (call.destination) fields.push([FIELD.destination, variant("s", call.destination)]);
  if (sig) fields.push([FIELD.signature, variant("g", sig)]);
  const w = new Writer();
  w.write("yyyyuua(yv)", ["l".charCodeAt(0), MessageType.call, 0, 1, body.length, serial, fields]);
  w.align(8);
  const head = w.bytesWritten();
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body.bytesWritten(), head.length);
  return out;
}

/** How many bytes the message at the start of `buf` takes, or undefined while its fixed header is incomplete. */
export function messageLength(buf: Uint8Array): number | undefined {
  if (buf.length < 16) return undefined;
  if (buf[0] !== "l".charCodeAt(0)) throw new Error("D-Bus: a big-endian message (lxcri reads little-endian only)");
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const bodyLength = view.getUint32(4, true);
  const fieldsLength = view.getUint32(12, true);
  const header = 16 + fieldsLength;
  return header + ((8 - (header % 8)) % 8) + bodyLength;
}

/** A complete message's fields and body. */
export function decodeMessage(buf: Uint8Array): Message {
  const r = new Reader(buf);
  const [, type, , , , serial, fields] = r.read("yyyyuua(yv)") as [number, number, number, number, number, number, [number, Variant][]];
  const m: Message = { type, serial, body: [] };
  for (const [code, v] of fields) {
    if (FIELD_SIG[code] !== undefined && v.sig !== FIELD_SIG[code]) throw new Error(`D-Bus: header field ${code} has type ${v.sig}`);
    const name = (Object.keys(FIELD) as (keyof typeof FIELD)[]).find((k) => FIELD[k] === code);
    if (name) (m as unknown as Record<string, Value>)[name] = v.value;
  }
  r.align(8);
  if (m.signature) m.body = r.read(m.signature);
  return m;
}
