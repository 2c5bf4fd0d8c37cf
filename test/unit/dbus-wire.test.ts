// The D-Bus wire format lxcri speaks to systemd (src/systemd/wire.ts), byte
// for byte against the specification's rules; the calls themselves are tested
// against a real systemd in the VM (test/vm).
import { describe, expect, test } from "bun:test";
import { decodeMessage, encodeCall, messageLength, Reader, splitSignature, variant, Writer } from "../../src/systemd/wire.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

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

  test("a value cut short is an error, not a wrong value", () => {
    const w = new Writer();
    w.write("s", ["lxcri"]);
    expect(() => new Reader(w.bytesWritten().subarray(0, 6)).read("s")).toThrow("ends inside a value");
    expect(() => new Writer().write("ss", ["one"])).toThrow("takes 2 values");
  });
});
