import { describe, expect, test } from "bun:test";
import { unixPathOf, userBus } from "../../src/systemd/user-bus.ts";

describe("the user's session bus (rootless --systemd-cgroup)", () => {
  test("unix:path= of a D-Bus address, %-escapes decoded, other transports skipped", () => {
    expect(unixPathOf("unix:path=/run/user/1000/bus")).toBe("/run/user/1000/bus");
    expect(unixPathOf("unix:path=/run/user/1000/bus,guid=0123")).toBe("/run/user/1000/bus");
    expect(unixPathOf("unix:guid=1,path=/tmp/a%20b")).toBe("/tmp/a b");
    expect(unixPathOf("unix:abstract=/tmp/dbus-x;unix:path=/run/b")).toBe("/run/b");
    expect(unixPathOf("tcp:host=localhost,port=1")).toBeUndefined();
    expect(unixPathOf("unix:path=relative")).toBeUndefined();
    expect(unixPathOf("unix:abstract=/tmp/dbus-x")).toBeUndefined();
  });

  test("$DBUS_SESSION_BUS_ADDRESS first, else $XDG_RUNTIME_DIR/bus where it exists, else none", () => {
    const none = () => false;
    const all = () => true;
    expect(userBus({ DBUS_SESSION_BUS_ADDRESS: "unix:path=/x/bus", XDG_RUNTIME_DIR: "/run/user/7" }, all)).toEqual({
      path: "/x/bus",
      messageBus: true,
    });
    expect(userBus({ XDG_RUNTIME_DIR: "/run/user/7/" }, (p) => p === "/run/user/7/bus")).toEqual({
      path: "/run/user/7/bus",
      messageBus: true,
    });
    expect(userBus({ XDG_RUNTIME_DIR: "/run/user/7" }, none)).toBeUndefined();
    expect(userBus({ XDG_RUNTIME_DIR: "run/user/7" }, all)).toBeUndefined();
    expect(userBus({}, all)).toBeUndefined();
    // an address lxcri cannot use is not replaced by a guess
    expect(userBus({ DBUS_SESSION_BUS_ADDRESS: "unix:abstract=/x", XDG_RUNTIME_DIR: "/run/user/7" }, all)).toBeUndefined();
  });
});
