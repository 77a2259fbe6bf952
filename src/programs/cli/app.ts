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
import type { SyncError } from "../../services/StorageSync.ts"
import type { StorageErrorReason } from "../../services/StorageProvider.ts"
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

/** A failure's exit code and kind, by error tag; errors not listed here are internal errors (exit 1). */
const rules: Record<string, (error: TaggedFailure) => Omit<Failure, "message">> = {
  StorageError: (error) => ({ code: exitCodeOf(error.reason as StorageErrorReason), kind: error.reason ?? "StorageError" }),
  // One reason for every failed file gives its exit code (7: try again); mixed reasons give 1.
  SyncError: (error) => {
    const reasons = new Set((error as unknown as SyncError).failures.map((failure) => failure.reason))
    const [only] = reasons
    return { code: reasons.size === 1 && only !== undefined ? exitCodeOf(only) : ExitCode.failed, kind: "SyncError" }
  },
  ArtifactError: (error) => ({ code: artifactExitCodes[error.reason ?? ""] ?? ExitCode.failed, kind: error.reason ?? "ArtifactError" }),
  ConfigError: () => ({ code: ExitCode.config, kind: "ConfigError" }),
  ContractError: () => ({ code: ExitCode.config, kind: "ContractError" }),
  ContractViolations: () => ({ code: ExitCode.failed, kind: "ContractViolations" }),
  GatewayStoreError: () => ({ code: ExitCode.failed, kind: "GatewayStoreError" })
}

const artifactExitCodes: Record<string, number> = {
  NotFound: ExitCode.notFound,
  InvalidPath: ExitCode.invalidPath,
  InvalidSpec: ExitCode.usage,
  UnknownType: ExitCode.usage
}

interface TaggedFailure {
  readonly _tag: string
  readonly message?: string
  readonly reason?: string
  /** Errors that choose their own exit code (the plugin commands). */
  readonly exitCode?: number
}

const describe = (error: unknown): Failure => {
  if (typeof error !== "object" || error === null || !("_tag" in error)) {
    return { code: ExitCode.failed, kind: "InternalError", message: `internal error: ${String(error)}` }
  }
  const tagged = error as TaggedFailure
  const message = tagged.message ?? ""
  const rule = rules[tagged._tag]
  if (rule !== undefined) return { ...rule(tagged), message }
  if (typeof tagged.exitCode === "number") return { code: tagged.exitCode, kind: tagged._tag, message }
  if (CliError.isCliError(error)) return { code: ExitCode.usage, kind: "UsageError", message }
  return { code: ExitCode.failed, kind: "InternalError", message: `internal error: ${String(error)}` }
}

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
