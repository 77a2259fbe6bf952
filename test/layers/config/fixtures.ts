/**
 * Shared fixtures of the config tests: temp folders, YAML text, files.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export const scratch = () => mkdtempSync(join(tmpdir(), "strata-config-"))
export const yaml = (...lines: ReadonlyArray<string>) => [...lines, ""].join("\n")
export const write = (dir: string, name: string, text: string) => {
  const file = join(dir, name)
  mkdirSync(join(file, ".."), { recursive: true })
  writeFileSync(file, text)
  return file
}
export const lines = (message: string) => message.split("\n")
