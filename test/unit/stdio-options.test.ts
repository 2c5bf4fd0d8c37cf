// The library's stdio options (src/library/stdio.ts, deferred.ts) without a
// container: what each option gives the child, and that the pipes carry the
// bytes both ways, EOF included.
import { expect, test } from "bun:test";
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { LaterSink, laterStream } from "../../src/library/deferred.ts";
import { openStdio } from "../../src/library/stdio.ts";

test("inherit, ignore and fds pass as they are; a bad option is a TypeError naming its stream", () => {
  const io = openStdio(undefined, null, 7);
  expect(io.child).toEqual(["inherit", "ignore", 7]);
  expect(openStdio("inherit", "ignore", "inherit").child).toEqual(["inherit", "ignore", "inherit"]);
  expect(() => openStdio(undefined, "pip" as never, undefined)).toThrow(
    /^stdout: expected "pipe", "inherit", "ignore", null or a file descriptor, got "pip"$/,
  );
  expect(() => openStdio(undefined, undefined, -1)).toThrow(/^stderr: /);
  expect(() => openStdio(1.5, undefined, undefined)).toThrow(/^stdin: /);
});

test("stdout piped: what the child writes is the stream, which ends when the child's end is closed", async () => {
  const io = openStdio(undefined, "pipe", undefined);
  const fd = io.child[1] as number;
  writeSync(fd, "out\n");
  io.started(); // the child holds its end now: ours is closed
  expect(await new Response(io.stdout).text()).toBe("out\n");
});

test("stdin content (string, bytes, Blob, stream) is fed and then closed: the child reads it and EOF", async () => {
  for (const content of ["text", new TextEncoder().encode("text"), new Blob(["te", "xt"]), new Response("text").body!]) {
    const io = openStdio(content, undefined, undefined);
    // the child's copy (started() closes ours, as once the child holds it)
    const fd = openSync(`/proc/self/fd/${io.child[0]}`, "r");
    io.started();
    const got = await new Response(Bun.file(fd).stream()).text(); // to EOF: the feed closed its end
    closeSync(fd);
    expect(got).toBe("text");
  }
});

test("stdin piped is a sink: end() closes it and the child reads EOF", async () => {
  const io = openStdio("pipe", undefined, undefined);
  const fd = io.child[0] as number;
  io.stdin!.write("a");
  io.stdin!.write("b");
  await io.stdin!.end();
  const buf = Buffer.alloc(8);
  expect(readSync(fd, buf)).toBe(2);
  expect(readSync(fd, buf)).toBe(0);
  closeSync(fd);
});

test("a run's stand-ins: writes before the pipe exists reach it in order; a run that made none gives an empty stream", async () => {
  let give!: (s: { write(c: string): number; flush(): number; end(): number } | undefined) => void;
  const written: string[] = [];
  const sink = new LaterSink(new Promise((r) => (give = r as never)));
  sink.write("1");
  sink.write("2");
  give({ write: (c) => written.push(c), flush: () => 0, end: () => (written.push("end"), 0) });
  sink.write("3");
  await sink.end();
  expect(written).toEqual(["1", "2", "3", "end"]);
  expect(await new Response(laterStream(Promise.resolve(undefined))).text()).toBe("");
  expect(await new Response(laterStream(Promise.resolve(new Response("x").body!))).text()).toBe("x");
});
