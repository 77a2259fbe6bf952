/**
 * Where a config file is looked for when none is named, in MSC's order.
 *
 * MSC also turns an `rclone.conf` into profiles; strata does not read rclone
 * configs.
 *
 * @since 0.1.0
 */
import * as path from "node:path"
import type { Env } from "./env.ts"

const pair = (directory: string, ...parts: ReadonlyArray<string>): Array<string> => [
  path.join(directory, ...parts, "config.yaml"),
  path.join(directory, ...parts, "config.json")
]

/**
 * The candidate files, first match wins (later files are not merged):
 * `$MSC_CONFIG`; `$XDG_CONFIG_HOME/msc/config.{yaml,json}`;
 * `$HOME/.msc_config.{yaml,json}`; `$HOME/.config/msc/config.{yaml,json}`;
 * `<dir>/msc/config.{yaml,json}` for each dir of `$XDG_CONFIG_DIRS`
 * (`/etc/xdg` when unset or empty); `/etc/msc_config.{yaml,json}`. Empty
 * variables count as unset. A relative `$MSC_CONFIG` is returned as is
 * (the loader resolves it against the working directory).
 *
 * @since 0.1.0
 * @category config
 */
export const configSearchPaths = (env: Env): ReadonlyArray<string> => {
  const paths: Array<string> = []
  const explicit = env["MSC_CONFIG"]
  if (explicit !== undefined && explicit !== "") paths.push(explicit)
  const xdgHome = env["XDG_CONFIG_HOME"]
  if (xdgHome !== undefined && xdgHome !== "") paths.push(...pair(xdgHome, "msc"))
  const home = env["HOME"]
  if (home !== undefined && home !== "") {
    paths.push(path.join(home, ".msc_config.yaml"), path.join(home, ".msc_config.json"), ...pair(home, ".config", "msc"))
  }
  const xdgDirs = env["XDG_CONFIG_DIRS"]
  for (const directory of (xdgDirs === undefined || xdgDirs === "" ? "/etc/xdg" : xdgDirs).split(":")) {
    if (directory.trim() !== "") paths.push(...pair(directory.trim(), "msc"))
  }
  paths.push("/etc/msc_config.yaml", "/etc/msc_config.json")
  return paths
}
