// The D-Bus wire format lxcri speaks to systemd (src/systemd/wire.ts), byte
// for byte against the specification's rules; the calls themselves are tested
// against a real systemd in the VM (test/vm).
import { describe, expect, test } from "bun:test";
import { invocationBytes, invocationHex } from "../../src/systemd/units.ts";
import { decodeMessage, encodeCall, MessageType, messageLength, Reader, splitSignature, variant, Writer } from "../../src/systemd/wire.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const bytesOf = (h: string) => new Uint8Array(Buffer.from(h.replace(/ /g, ""), "hex"));
/** An invocation id as `systemctl show -p InvocationID` prints it, and its 16 bytes. */
const INVOCATION = "5c0ffee0123456789abcdef00fedcba9";
const INVOCATION_BYTES = [0x5c, 0x0f, 0xfe, 0xe0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed, 0xcb, 0xa9];

describe("D-Bus wire format", () => {
  test("signatures split into complete types", () => {
    expect(splitSignature("ssa(sv)a(sa(sv))")).toEqual(["s", "s", "a(sv)", "a(sa(sv))"]);
    expect(splitSignature("a{sv}uoss")).toEqual(["a{sv}", "u", "o", "s", "s"]);
    expect(() => splitSignature("a(sv")).toThrow("unterminated");
    expect(() => splitSignature("h")).toThrow("unsupported type");
  });

  test("padding: strings, an array of structs aligned to 8, a variant's value to its own type", () => {
    const w = new Writer();
    w.write("sa(sv)", ["ab", [["x", variant("u", 5)]]]);
    expect(hex(w.bytesWritten())).toBe(
      [
        "02000000 616200", // "ab"
        "00 10000000", // pad to 4, the array's 16 bytes
        "00000000", // pad to 8 for the first struct (not counted in the length)
        "01000000 7800", // "x"
        "01 7500", // variant signature "u"
        "000000 05000000", // pad to 4, 5
      ]
        .join("")
        .replace(/ /g, ""),
    );
  });

  test("what is written reads back, 64-bit values as bigint", () => {
    const values = [
      "lxcri-c1.scope",
      true,
      [
        ["MemoryMax", variant("t", 2n ** 64n - 1n)],
        ["PIDs", variant("au", [1, 4294967295])],
        ["AllowedCPUs", variant("ay", [3, 2])],
      ],
      [],
    ];
    const w = new Writer();
    w.write("sba(sv)a(sa(sv))", values);
    expect(new Reader(w.bytesWritten()).read("sba(sv)a(sa(sv))")).toEqual(values);
  });

  test("a method call: header fields, body padded to 8, and its length known from the first 16 bytes", () => {
    const bytes = encodeCall(7, {
      path: "/org/freedesktop/systemd1",
      interface: "org.freedesktop.systemd1.Manager",
      member: "StopUnit",
      signature: "ss",
      body: ["lxcri-c1.scope", "replace"],
    });
    expect(String.fromCharCode(bytes[0]!)).toBe("l");
    expect(messageLength(bytes.subarray(0, 15))).toBeUndefined();
    expect(messageLength(bytes)).toBe(bytes.length);
    const m = decodeMessage(bytes);
    expect(m).toEqual({
      type: 1,
      serial: 7,
      path: "/org/freedesktop/systemd1",
      interface: "org.freedesktop.systemd1.Manager",
      member: "StopUnit",
      signature: "ss",
      body: ["lxcri-c1.scope", "replace"],
    });
  });

  test("GetUnitByInvocationID: an ay argument is its length in bytes, then the bytes", () => {
    const bytes = encodeCall(8, {
      path: "/org/freedesktop/systemd1",
      interface: "org.freedesktop.systemd1.Manager",
      member: "GetUnitByInvocationID",
      signature: "ay",
      body: [invocationBytes(INVOCATION)],
    });
    expect(messageLength(bytes)).toBe(bytes.length);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(20); // the body's length
    expect(hex(bytes.subarray(-20))).toBe(`10000000${INVOCATION}`);
    expect(decodeMessage(bytes).body).toEqual([INVOCATION_BYTES]);
  });

  test("a Properties.Get reply as systemd sends it: a variant holding the unit's InvocationID (ay)", () => {
    const reply = bytesOf(
      [
        "6c 02 00 01 18000000 05000000 0f000000", // a method return, body 24 bytes, serial 5, header fields 15 bytes
        "05 01 75 00 03000000", // REPLY_SERIAL: u 3
        "08 01 67 00 01 76 00", // SIGNATURE: g "v"
        "00", // the header padded to 8
        "02 61 79 00", // the variant's signature "ay"
        `10000000 ${INVOCATION}`, // 16 bytes
      ].join(""),
    );
    expect(messageLength(reply)).toBe(reply.length);
    const m = decodeMessage(reply);
    expect(m).toEqual({ type: MessageType.reply, serial: 5, replySerial: 3, signature: "v", body: [variant("ay", INVOCATION_BYTES)] });
    expect(invocationHex((m.body[0] as { value: number[] }).value)).toBe(INVOCATION);
  });

  test("an error reply keeps systemd's error name (UnitExists: the unit is someone else's)", () => {
    const body = new Writer();
    body.write("s", ["Unit victim-x.scope was already loaded or has a fragment file."]);
    const w = new Writer();
    w.write("yyyyuua(yv)", [
      "l".charCodeAt(0),
      MessageType.error,
      1,
      1,
      body.length,
      9,
      [
        [4, variant("s", "org.freedesktop.systemd1.UnitExists")],
        [5, variant("u", 2)],
        [8, variant("g", "s")],
      ],
    ]);
    w.align(8);
    const m = decodeMessage(new Uint8Array([...w.bytesWritten(), ...body.bytesWritten()]));
    expect(m.type).toBe(MessageType.error);
    expect(m.errorName).toBe("org.freedesktop.systemd1.UnitExists");
    expect(m.replySerial).toBe(2);
    expect(m.body).toEqual(["Unit victim-x.scope was already loaded or has a fragment file."]);
  });

  test("invocation ids: 16 bytes ↔ 32 lowercase hex digits, nothing else", () => {
    expect(invocationHex(INVOCATION_BYTES)).toBe(INVOCATION);
    expect(invocationBytes(INVOCATION)).toEqual(INVOCATION_BYTES);
    expect(invocationHex([])).toBe(""); // a unit that never started
    expect(() => invocationHex(INVOCATION_BYTES.slice(1))).toThrow("not 16 bytes");
    expect(() => invocationHex("5c0ffee0")).toThrow("not 16 bytes");
    for (const bad of [
      "",
      INVOCATION.toUpperCase(),
      INVOCATION.slice(1),
      `${INVOCATION}0`,
      "5c0ffee0-1234-5678-9abc-def00fedcba9",
      "../../x",
    ])
      expect(() => invocationBytes(bad)).toThrow("is not an invocation id");
  });

  test("a value cut short is an error, not a wrong value", () => {
    const w = new Writer();
    w.write("s", ["lxcri"]);
    expect(() => new Reader(w.bytesWritten().subarray(0, 6)).read("s")).toThrow("ends inside a value");
    expect(() => new Writer().write("ss", ["one"])).toThrow("takes 2 values");
  });
});
