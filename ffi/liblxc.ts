// liblxc.so.1, opened once per process on first use. Every pointer into
// liblxc lives in ffi/; src/ sees only the safe LxcContainer class.
import { dlopen, FFIType } from "bun:ffi";

const { ptr, cstring, i32, bool } = FFIType;

/**
 * liblxc versions whose `struct lxc_container` layout (method offsets in
 * lxc-container.ts) was checked against lxccontainer.h: 5.0.0 to 5.0.3 share
 * one header byte for byte. Anything else could call the wrong method.
 */
export const VERIFIED_LAYOUT = /^5\.0\.\d+$/;

function open() {
  let lib;
  try {
    lib = dlopen("liblxc.so.1", {
      lxc_get_version: { args: [], returns: cstring },
      lxc_container_new: { args: [cstring, cstring], returns: ptr },
      lxc_container_put: { args: [ptr], returns: i32 },
      lxc_config_item_is_supported: { args: [cstring], returns: bool },
      lxc_has_api_extension: { args: [cstring], returns: bool },
    });
  } catch (e) {
    throw new Error(`cannot load liblxc.so.1 (install the "lxc" package): ${(e as Error).message}`);
  }
  const version = String(lib.symbols.lxc_get_version());
  if (!VERIFIED_LAYOUT.test(version)) {
    throw new Error(`liblxc ${version} is not supported: lxcri knows the struct lxc_container layout of liblxc 5.0.x only`);
  }
  return { symbols: lib.symbols, version };
}

let cached: ReturnType<typeof open> | undefined;

export function liblxc() {
  return (cached ??= open());
}

/**
 * Whether this liblxc knows config item `key` (lxc_config_item_is_supported): a key of a family
 * liblxc takes by prefix ("lxc.cgroup2.memory.max", "lxc.net.0.type") is asked by its family's
 * name. undefined where liblxc cannot be loaded.
 */
export function configItemSupported(key: string): boolean | undefined {
  let lib;
  try {
    lib = liblxc();
  } catch {
    return undefined;
  }
  for (let k = key; k.includes("."); k = k.slice(0, k.lastIndexOf(".")))
    if (lib.symbols.lxc_config_item_is_supported(Buffer.from(`${k}\0`))) return true;
  return false;
}
