/**
 * Credentials from a JSON file in the shape of AWS's `credential_process`
 * output, MSC's `FileBasedCredentials` type:
 *
 * ```json
 * {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
 *  "SessionToken": "...", "Expiration": "2026-11-23T15:00:00Z"}
 * ```
 *
 * The file is read when the provider is made (so a bad file fails the
 * profile's build) and again on `refresh`; the factory wraps the provider in
 * `CredentialsRefreshing`, so credentials with an `Expiration` are re-read
 * before they expire. Errors name the file and the key, never a value.
 *
 * @since 0.1.0
 */
import { Effect, Redacted, Ref, Schema } from "effect"
import * as fsp from "node:fs/promises"
import { CredentialsError } from "../../services/Credentials.ts"
import type { Credentials, CredentialsFactory, CredentialsProviderShape } from "../../services/Credentials.ts"
import { closedOptions } from "../../services/ProviderRegistry.ts"
import { refreshing } from "./refreshing.ts"

const invalid = (file: string, problem: string) =>
  new CredentialsError({ reason: "Invalid", message: `The credentials file '${file}' ${problem}.` })

/** Where a JSON syntax error is, without V8's excerpt of the text (it may hold a secret). */
const syntaxPlace = (error: unknown): string => {
  const text = error instanceof Error ? error.message : ""
  const lineColumn = /line (\d+) column (\d+)/.exec(text)
  if (lineColumn !== null) return ` at line ${lineColumn[1]}, column ${lineColumn[2]}`
  const position = /position (\d+)/.exec(text)
  return position === null ? "" : ` at character ${position[1]}`
}

const secretField = (file: string, json: Record<string, unknown>, name: string, required: boolean) => {
  const value = json[name]
  if (value === undefined && !required) return undefined
  if (typeof value !== "string" || value === "") {
    throw invalid(file, value === undefined ? `has no '${name}'` : `has an invalid '${name}' (expected a non-empty string)`)
  }
  return Redacted.make(value)
}

/**
 * Parses the text of a credentials file; throws a `CredentialsError` naming
 * `file` and the offending key.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseCredentialsFile = (file: string, text: string): Credentials => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw invalid(file, `is not valid JSON${syntaxPlace(error)}`)
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw invalid(file, "does not hold a JSON object")
  const record = json as Record<string, unknown>
  if (record["Version"] !== 1) {
    throw invalid(file, `has 'Version' ${JSON.stringify(record["Version"]) ?? "missing"}; only Version 1 is supported`)
  }
  const accessKey = secretField(file, record, "AccessKeyId", true)!
  const secretKey = secretField(file, record, "SecretAccessKey", true)!
  const token = secretField(file, record, "SessionToken", false)
  const expirationText = record["Expiration"]
  let expiration: Date | undefined
  if (expirationText !== undefined) {
    expiration = typeof expirationText === "string" ? new Date(expirationText) : new Date(Number.NaN)
    if (Number.isNaN(expiration.getTime())) {
      throw invalid(file, `has an invalid 'Expiration' ${JSON.stringify(expirationText)} (expected an ISO-8601 time)`)
    }
  }
  return {
    accessKey,
    secretKey,
    ...(token === undefined ? {} : { token }),
    ...(expiration === undefined ? {} : { expiration })
  }
}

/**
 * Reads and parses the credentials file.
 *
 * @since 0.1.0
 * @category parsing
 */
export const readCredentialsFile = (file: string): Effect.Effect<Credentials, CredentialsError> =>
  Effect.tryPromise({
    try: async () => parseCredentialsFile(file, await fsp.readFile(file, "utf8")),
    catch: (error) =>
      error instanceof CredentialsError ? error : new CredentialsError({
        reason: (error as { code?: unknown }).code === "ENOENT" ? "NotFound" : "Unavailable",
        message: `The credentials file '${file}' cannot be read: ${(error as { code?: string }).code ?? "unknown error"}.`,
        cause: error
      })
  })

/**
 * A provider over the file: read now, re-read by `refresh`. Not refreshing by
 * itself; see `factory` or wrap it with `refreshing`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (file: string): Effect.Effect<CredentialsProviderShape, CredentialsError> =>
  Effect.gen(function*() {
    const current = yield* Ref.make(yield* readCredentialsFile(file))
    return {
      get: Ref.get(current),
      refresh: Effect.flatMap(readCredentialsFile(file), (fresh) => Ref.set(current, fresh))
    }
  })

/**
 * Options of the `FileBasedCredentials` type, as MSC spells them.
 *
 * @since 0.1.0
 * @category models
 */
export const FileBasedCredentialsOptions = closedOptions({ credential_file_path: Schema.String })
export type FileBasedCredentialsOptions = typeof FileBasedCredentialsOptions.Type

/**
 * The `FileBasedCredentials` type for config files: re-read before expiry.
 *
 * @since 0.1.0
 * @category constructors
 */
export const factory: CredentialsFactory<FileBasedCredentialsOptions> = {
  type: "FileBasedCredentials",
  options: FileBasedCredentialsOptions,
  make: (options) => Effect.flatMap(make(options.credential_file_path), (provider) => refreshing(provider))
}
