import { defineCommand } from "citty";
import { features } from "../../features.ts";

export default defineCommand({
  meta: { name: "features", description: "print what this runtime implements (runtime-spec features.md)" },
  run() {
    console.log(JSON.stringify(features(), null, 4));
  },
});
