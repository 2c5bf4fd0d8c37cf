import { expect, test } from "bun:test";
import { constants } from "node:os";
import { parseSignal, SIGNALS } from "../../src/host/signals.ts";
import { errorOf } from "./error-of.ts";

test("kill's signal: numbers 0–64 (0 sends nothing: runc's liveness check), names in any case with or without SIG, real-time names as kill(1) takes them", () => {
  expect(parseSignal(undefined)).toBe(15);
  expect(parseSignal("9")).toBe(9);
  expect(parseSignal("0")).toBe(0);
  expect(parseSignal(0)).toBe(0);
  expect(parseSignal("KILL")).toBe(9);
  expect(parseSignal("sigterm")).toBe(15);
  expect(parseSignal("SIGUSR1")).toBe(10);
  for (let n = 1; n <= 64; n++) expect(parseSignal(String(n))).toBe(n);
  expect(parseSignal("RTMIN")).toBe(34);
  expect(parseSignal("RTMIN+3")).toBe(37);
  expect(parseSignal("SIGRTMIN+3")).toBe(37);
  expect(parseSignal("sigrtmin+30")).toBe(64);
  expect(parseSignal("RTMAX")).toBe(64);
  expect(parseSignal("RTMAX-2")).toBe(62);
  expect(parseSignal("SIGRTMAX-30")).toBe(34);
  expect(parseSignal(" 9 ")).toBe(9);
  expect(parseSignal("009")).toBe(9);
  // digits are ASCII digits only (as /^\d+$/), a sign is not one, and one SIG prefix is taken off, not two
  for (const bad of ["65", "-1", "+9", "\uff19", "9a", "SIGSIGKILL", "RTMIN+31", "RTMAX-31", "RTMIN-1", "RTMAX+1", "NOTASIGNAL", "SIG"])
    expect(errorOf(() => parseSignal(bad))).toContain(`invalid signal ${JSON.stringify(bad)}`);
});

test("the signal table is node:os's (kill reads it without importing node:os)", () => {
  expect(SIGNALS).toEqual(constants.signals as Record<string, number>);
  for (const bad of ["CONSTRUCTOR", "TOSTRING", "__PROTO__", "HASOWNPROPERTY"])
    expect(errorOf(() => parseSignal(bad))).toContain("invalid signal");
});
