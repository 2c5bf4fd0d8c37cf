// What the host's libraries support and which they are, for `lxcri features`: liblxc's config items
// (lxc_config_item_is_supported, no struct offsets needed) and versions, libseccomp's version.
import { configItemSupported, liblxc } from "../../ffi/liblxc.ts";
import { libseccompVersion } from "../../ffi/seccomp.ts";
import type { Libraries } from "../lxc/liblxc-items.ts";

export function hostLibraries(): Libraries {
  let lxcVersion: string | undefined;
  try {
    lxcVersion = liblxc().version;
  } catch {}
  return { itemSupported: configItemSupported, lxcVersion, seccompVersion: libseccompVersion() };
}
