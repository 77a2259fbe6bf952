/**
 * The Azure Blob storage provider (`@azure/storage-blob`), config type
 * `azure` with MSC's options: `base_path` (`container[/prefix]`),
 * `endpoint_url` (the account URL), `multipart_threshold`,
 * `multipart_chunksize`, `max_concurrency`, `validate_content`,
 * `io_chunksize` (accepted; reads stream as the SDK delivers).
 *
 * - **Credentials**, first found wins: the profile's credentials provider
 *   (`AzureCredentials`: the connection string travels as `accessKey`), the
 *   strata options `connection_string`, or `account_key` (with
 *   `account_name`, or the account taken from `endpoint_url`). Without any,
 *   requests are anonymous: public containers, or a SAS token in
 *   `endpoint_url`. (MSC's default is Azure AD's credential chain, which
 *   needs `@azure/identity`; not supported here.) Secrets are kept
 *   `Redacted` and never appear in errors.
 * - **Atomic puts**: one Put Blob, or staged blocks committed at the end
 *   (`azureUpload.ts`); preconditions are Azure's own (`If-Match`,
 *   `If-None-Match: *`), so they hold across processes. Etags are Azure's.
 * - **Errors**: 403 → `PermissionDenied` naming the profile, a missing
 *   container → `NotFound` naming it, no answer → `Unavailable`. The SDK's
 *   own retries are off (the retry layer decides). Strata option `timeout`
 *   (seconds, default 60) limits each request until its answer starts (for
 *   an upload, the request with its body: one block, or one blob up to
 *   `multipart_threshold`); a download fails when no data comes for that
 *   long, however long it takes in all.
 * - **Listings** come back from Azure (and Azurite) in UTF-16 order and are
 *   put into S3 byte order (`keyOrder.ts`); `startAfter` is applied here.
 * - **Copy** is Azure's server-side Copy Blob (same account; content type
 *   and metadata come along).
 *
 * @since 0.1.0
 */
import { AnonymousCredential, BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob"
import type { StoragePipelineOptions } from "@azure/storage-blob"
import { Effect, Layer, Redacted } from "effect"
import type { ProviderContext } from "../../services/ProviderRegistry.ts"
import { ConfigError } from "../../services/StorageConfig.ts"
import { StorageProvider, storageError } from "../../services/StorageProvider.ts"
import type { StorageProviderShape } from "../../services/StorageProvider.ts"
import type { AzureOptions } from "./azureFactory.ts"
import { makeAzureShape } from "./azureShape.ts"
import { printableEndpoint } from "./cloudErrors.ts"
import { splitBasePath } from "./objectStore.ts"

const MiB = 1024 * 1024

// Our retry layer decides about retries; a failed request fails at once.
const pipelineOptions: StoragePipelineOptions = { retryOptions: { maxTries: 1 } }

/** `acct` from `https://acct.blob.core.windows.net`, or the first path segment of an emulator URL. */
const accountFromEndpoint = (endpoint: string): string | undefined => {
  try {
    const url = new URL(endpoint)
    const isName = !/^[0-9.]+$|^\[|^localhost$/.test(url.hostname)
    const account = isName ? url.hostname.split(".")[0] : url.pathname.split("/").find((segment) => segment !== "")
    return account === undefined || account === "" ? undefined : account
  } catch {
    return undefined
  }
}

const configError = (context: ProviderContext, option: string, message: string) =>
  new ConfigError({
    message,
    path: `profiles.${context.profile}.storage_provider.options${option === "" ? "" : `.${option}`}`,
    ...(context.file === undefined ? {} : { file: context.file })
  })

/** The service client for the first credentials found (see the module notes). */
const serviceClient = Effect.fnUntraced(function*(options: AzureOptions, context: ProviderContext) {
  const fromProvider = context.credentials === undefined
    ? undefined
    : (yield* Effect.mapError(context.credentials.get, (error) =>
      storageError(
        error.reason === "Unavailable" ? "Unavailable" : "PermissionDenied",
        `The credentials of profile '${context.profile}' could not be had: ${error.message}`,
        { operation: "make" }
      ))).accessKey
  const connection = fromProvider ?? (options.connection_string === undefined ? undefined : Redacted.make(options.connection_string))
  if (connection !== undefined) {
    return yield* Effect.try({
      try: () => BlobServiceClient.fromConnectionString(Redacted.value(connection), pipelineOptions),
      // The SDK's message may quote the string: say what is wrong without it.
      catch: () =>
        configError(context, fromProvider === undefined ? "connection_string" : "", `The Azure connection string of profile '${context.profile}' is not valid (expected 'AccountName=...;AccountKey=...' or a SAS connection string)`)
    })
  }
  const endpoint = options.endpoint_url
  if (endpoint === undefined || !URL.canParse(endpoint)) {
    return yield* configError(context, "endpoint_url", `Profile '${context.profile}' needs an endpoint_url (the account URL, e.g. https://acct.blob.core.windows.net) or a connection string`)
  }
  if (options.account_key === undefined) return new BlobServiceClient(endpoint, new AnonymousCredential(), pipelineOptions)
  const account = options.account_name ?? accountFromEndpoint(endpoint)
  if (account === undefined) {
    return yield* configError(context, "account_name", `Profile '${context.profile}' gives an account_key but no account_name, and the account cannot be read from endpoint_url`)
  }
  const key = Redacted.make(options.account_key)
  return new BlobServiceClient(endpoint, new StorageSharedKeyCredential(account, Redacted.value(key)), pipelineOptions)
})

/**
 * A provider over the container and prefix of `options.base_path`. Makes no
 * request: a missing container or wrong credentials show on first use.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fn("AzureStorage.make")(function*(options: AzureOptions, context: ProviderContext) {
  const { bucket, prefix } = yield* splitBasePath(options.base_path, "container", context)
  const service = yield* serviceClient(options, context)
  return makeAzureShape({
    container: service.getContainerClient(bucket),
    prefix,
    context: { profile: context.profile, container: bucket, endpoint: printableEndpoint(service.url) },
    timeoutSeconds: options.timeout ?? 60,
    threshold: options.multipart_threshold ?? 64 * MiB,
    blockSize: options.multipart_chunksize ?? 32 * MiB,
    concurrency: options.max_concurrency ?? 8,
    validateContent: options.validate_content ?? false
  }) satisfies StorageProviderShape
})

/**
 * A `StorageProvider` for one Azure container.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: AzureOptions, context: ProviderContext) => Layer.effect(StorageProvider, make(options, context))

export { AzureOptions, factory } from "./azureFactory.ts"
