// userName: a host uid's name as runc's list shows OWNER.
import { expect, test } from "bun:test";
import { userName } from "../../src/host/users.ts";

const passwd = "root:x:0:0:root:/root:/bin/bash\n# a comment\nbroken:x:7\nalice:x:1000:1000::/home/alice:/bin/sh\n:x:5:5::/:/bin/sh\n";

test("the passwd entry's name; #uid when none names it (runc's form)", () => {
  expect(userName(0, passwd)).toBe("root");
  expect(userName(1000, passwd)).toBe("alice");
  expect(userName(7, passwd)).toBe("#7"); // a line without all seven fields is no entry
  expect(userName(5, passwd)).toBe("#5"); // nor one without a name
  expect(userName(4242, passwd)).toBe("#4242");
  expect(userName(0, "")).toBe("#0");
});
