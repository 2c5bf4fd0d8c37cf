// test/argv.ts, which the command-line tables of the tests are written with:
// words split at white space, a ${value} never split and part of its word.
import { expect, test } from "bun:test";
import { argv } from "../argv.ts";

test("words at white space; a value is one word, or part of the word it stands in", () => {
  const file = "/tmp/a b/process.json";
  expect(argv`exec  --process ${file}\n --detach c1`).toEqual(["exec", "--process", "/tmp/a b/process.json", "--detach", "c1"]);
  expect(argv`--resources=${file} sh -c ${"echo hi; exit 3"}`).toEqual([
    "--resources=/tmp/a b/process.json",
    "sh",
    "-c",
    "echo hi; exit 3",
  ]);
  expect(argv`a${1}${2}b ${""} end`).toEqual(["a12b", "", "end"]);
  expect(argv``).toEqual([]);
});
