import { defineCommand } from "citty";
import { idArg, requireId } from "../args.ts";
import { runtime } from "../globals.ts";
import { readRecord } from "../../record.ts";

export default defineCommand({
  meta: { name: "state", description: "print the state of a container as JSON" },
  args: idArg,
  async run({ args }) {
    const rt = runtime();
    const id = requireId("state", args);
    const state = await rt.state(id);
    // runc's extra fields: rootfs and created (RFC 3339). Keys CRI-O decodes differently are never added.
    const record = readRecord(rt.dir(id), id);
    console.log(JSON.stringify({ ...state, rootfs: record.rootfs, created: record.created }, null, 2));
  },
});
