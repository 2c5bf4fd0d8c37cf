// The last ERROR lines of a container's liblxc log, for error messages.
import { readText } from "./fs.ts";

/** The first error lines: liblxc logs the cause first, then each caller that gave up. */
export function lxcErrors(logFile: string, max = 4): string[] {
  let text: string;
  try {
    text = readText(logFile);
  } catch {
    return [];
  }
  return (
    text
      .split("\n")
      .filter((l) => /\s(ERROR|CRIT|ALERT|FATAL)\s/.test(l))
      // "lxc NAME TIME PRIORITY CATEGORY - FILE:FUNC:LINE - message" (liblxc's log.c)
      .map((l) => l.replace(/^lxc \S+ \S+ \S+\s+\S+ - \S+ - /, ""))
      .slice(0, max)
  );
}

export function withLxcErrors(message: string, logFile: string): string {
  const errors = lxcErrors(logFile);
  return errors.length ? `${message}: ${errors.join("; ")}` : message;
}
