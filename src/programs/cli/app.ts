/**
 * The `strata` command tree and how a run ends: every failure becomes one
 * sentence on stderr (JSON with `--json`) and an exit code from `ExitCode`.
 *
 * @since 0.1.0
 */
import { Cause, Console, Effect } from "effect"
import { CliError, Command } from "effect/cli"
import { artifacts } from "./commands/artifacts.ts"
import { cat } from "./commands/cat.ts"
import { config } from "./commands/config.ts"
import { contract } from "./commands/contract.ts"
import { gateway } from "./commands/gateway.ts"
import { cp } from "./commands/cp.ts"
import { glob } from "./commands/glob.ts"
import { info } from "./commands/info.ts"
import { ls } from "./commands/ls.ts"
import { manifest } from "./commands/manifest.ts"
import { plugin } from "./commands/plugin.ts"
import { rm } from "./commands/rm.ts"
import { sync } from "./commands/sync.ts"
import { SyncError } from "../../services/StorageSync.ts"
import { CliArgs } from "./args.ts"
import { ExitCode, exitCodeOf } from "./exitCodes.ts"
import { root } from "./root.ts"

const subcommands = [ls, cat, cp, sync, rm, info, glob, config, manifest, plugin, contract, gateway, artifacts] as const

/**
 * @since 0.1.0
 * @category commands
 */
export const strata = root.pipe(Command.withSubcommands(subcommands))

/**
 * @since 0.1.0
 */
export const VERSION = "0.1.0"

interface Failure {
  readonly code: number
  readonly kind: string
  readonly message: string
}

const describe = (error: unknown): Failure => {
  if (typeof error === "object" && error !== null && "_tag" in error) {
    const tagged = error as { readonly _tag: string; readonly message?: string; readonly reason?: string }
    if (tagged._tag === "StorageError" && tagged.reason !== undefined) {
      return { code: exitCodeOf(tagged.reason as never), kind: tagged.reason, message: tagged.message ?? "" }
    }
    if (error instanceof SyncError) {
      // One reason for every failed file gives its exit code (7: try again); mixed reasons give 1.
      const reasons = new Set(error.failures.map((failure) => failure.reason))
      const [only] = reasons
      return { code: reasons.size === 1 && only !== undefined ? exitCodeOf(only) : ExitCode.failed, kind: "SyncError", message: error.message }
    }
    if (tagged._tag === "ArtifactError") return { code: artifactExitCode(tagged.reason), kind: tagged.reason ?? "ArtifactError", message: tagged.message ?? "" }
    if (tagged._tag === "ConfigError") return { code: ExitCode.config, kind: "ConfigError", message: tagged.message ?? "" }
    if (tagged._tag === "ContractError") return { code: ExitCode.config, kind: "ContractError", message: tagged.message ?? "" }
    if (tagged._tag === "ContractViolations") return { code: ExitCode.failed, kind: "ContractViolations", message: tagged.message ?? "" }
    // Errors that choose their own exit code (the plugin commands).
    if ("exitCode" in error && typeof error.exitCode === "number") {
      return { code: error.exitCode, kind: tagged._tag, message: tagged.message ?? "" }
    }
    if (CliError.isCliError(error)) return { code: ExitCode.usage, kind: "UsageError", message: tagged.message ?? "" }
  }
  return { code: ExitCode.failed, kind: "InternalError", message: `internal error: ${String(error)}` }
}

const artifactExitCode = (reason: string | undefined): number =>
  reason === "NotFound" ? ExitCode.notFound : reason === "InvalidPath" ? ExitCode.invalidPath : reason === "InvalidSpec" || reason === "UnknownType" ? ExitCode.usage : ExitCode.failed

const sentence = (message: string): string => {
  const trimmed = message.trim()
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/**
 * Runs the CLI on `args` and succeeds with the exit code, inside a root span
 * `strata <command>` (attributes `strata.args.count`, `strata.exit_code`).
 *
 * @since 0.1.0
 * @category running
 */
export const runCli = (args: ReadonlyArray<string>) =>
  runCommand(args).pipe(
    Effect.tap((code) => Effect.annotateCurrentSpan("strata.exit_code", code)),
    Effect.withSpan(spanName(args), { attributes: { "strata.args.count": args.length } })
  )

const SUBCOMMANDS: ReadonlySet<string> = new Set(subcommands.map((command) => command.name))

/** The root span's name: `strata <subcommand>`, or `strata` when none is named. */
const spanName = (args: ReadonlyArray<string>): string => {
  const command = args.find((arg) => SUBCOMMANDS.has(arg))
  return command === undefined ? "strata" : `strata ${command}`
}

const runCommand = (args: ReadonlyArray<string>) =>
  Command.runWith(strata, { version: VERSION })(args).pipe(
    Effect.provideService(CliArgs, args),
    Effect.as(ExitCode.ok as number),
    Effect.catchCause((cause) =>
      Effect.gen(function*() {
        if (Cause.hasInterruptsOnly(cause)) return 130
        const error = Cause.squash(cause)
        // Usage errors were already shown with the command's help.
        if (CliError.isCliError(error)) return error._tag === "ShowHelp" && error.errors.length === 0 ? 0 : ExitCode.usage
        const failure = describe(error)
        const json = args.includes("--json")
        yield* Console.error(
          json
            ? JSON.stringify({ error: { kind: failure.kind, message: sentence(failure.message), exitCode: failure.code } })
            : `strata: ${sentence(failure.message)}`
        )
        return failure.code
      })
    )
  )
