// The runtime's log (--log FILE, --log-format text|json), runc-style:
// json is one object per line: {"level":"error","msg":"…","time":"RFC 3339"}.
import { appendFile } from "./host/fs.ts";
import { escapeText } from "./text/escape.ts";

export type Level = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function createLogger(opts: { file?: string; format?: "text" | "json"; debug?: boolean }): Logger {
  const write = (level: Level, raw: string) => {
    if (level === "debug" && !opts.debug) return;
    // One line, nothing a terminal acts on (JSON.stringify leaves C1 and DEL raw): a message can carry a container's bytes.
    const msg = escapeText(raw);
    const time = new Date().toISOString();
    const line =
      opts.format === "json" ? JSON.stringify({ level, msg, time }) + "\n" : `time="${time}" level=${level} msg=${JSON.stringify(msg)}\n`;
    if (opts.file) {
      try {
        appendFile(opts.file, line);
      } catch {
        /* a broken log must not break the operation */
      }
    } else if (level !== "debug" || opts.debug) {
      // Without --log, warnings go to stderr; errors are printed by the CLI itself.
      if (level === "warn" || level === "debug") console.error(`lxcri: ${level}: ${msg}`);
    }
  };
  return {
    debug: (m) => write("debug", m),
    info: (m) => write("info", m),
    warn: (m) => write("warn", m),
    error: (m) => write("error", m),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A debug line with the time since this process started: where an operation spends it. */
export function mark(log: Logger, what: string): void {
  log.debug(`${what} at ${performance.now().toFixed(1)} ms`);
}
