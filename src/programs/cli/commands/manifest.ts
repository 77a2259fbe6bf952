/**
 * `strata manifest generate URL`: writes an MSC manifest of every object
 * under a profile (or a directory of it), for profiles whose
 * `metadata_provider` is `{type: manifest}`; `strata manifest commit URL`:
 * records what is stored under a directory in such a profile's manifest
 * (each CLI run is its own client, so writes made by other commands are
 * committed only with the profile's `autocommit.at_exit`, or by this).
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { generateManifest } from "../../../providers/metadata/manifestGenerate.ts"
import { storageError } from "../../../services/StorageProvider.ts"
import { toUrl } from "../../../services/StorageUrl.ts"
import { currentClient, emit } from "../context.ts"
import { humanBytes } from "../format.ts"
import { makeProgress } from "../progress.ts"
import { root } from "../root.ts"

const generate = Command.make("generate", {
  url: Argument.String("url").pipe(
    Argument.withDescription("The profile or directory to describe: msc://profile, msc://profile/dir, a local path ...")
  ),
  output: Flag.String("output").pipe(
    Flag.withDescription(
      "Where the manifest goes (its .msc_manifests folder is created there). Default: the root of the URL's profile."
    ),
    Flag.optional
  ),
  quiet: Flag.Boolean("quiet").pipe(Flag.withAlias("q"), Flag.withDescription("No progress on stderr."), Flag.withDefault(false))
}, ({ output, quiet, url }) =>
  Effect.gen(function*() {
    const { json } = yield* root
    const client = yield* currentClient
    const source = yield* client.resolve(url)
    const target = Option.isSome(output) ? yield* client.resolve(output.value) : { profile: source.profile, key: "" }
    const directory = source.key.replace(/\/+$/, "")
    // The physical stores: a profile's own manifest must not describe itself.
    const progress = makeProgress({ label: "Listing", quiet: quiet || json })
    const summary = yield* generateManifest({
      source: yield* client.provider(source.profile),
      prefix: directory === "" ? "" : `${directory}/`,
      destination: { storage: yield* client.provider(target.profile), urlOf: (key) => toUrl(target.profile, key) },
      manifestPath: target.key,
      onEntry: (entry) => progress.advance(1, entry.contentLength)
    })
    progress.finish()
    yield* emit(
      () => `Wrote a manifest of ${summary.files} file${summary.files === 1 ? "" : "s"} (${humanBytes(summary.bytes)}): ${summary.index}`,
      () => ({ url, ...summary })
    )
  }).pipe(Effect.scoped)).pipe(
    Command.withDescription("List a profile (or a directory of it) and write an MSC manifest of every file.")
  )

const commit = Command.make("commit", {
  url: Argument.String("url").pipe(
    Argument.withDescription("msc://profile/dir: record every object stored under dir in the profile's manifest.")
  )
}, ({ url }) =>
  Effect.gen(function*() {
    const client = yield* currentClient
    const { key, profile } = yield* client.resolve(url)
    if (key.replace(/\/+$/, "") === "") {
      return yield* storageError(
        "InvalidPath",
        `${url} names the root of profile '${profile}'; name a directory to record (or regenerate the manifest with \`strata manifest generate\`).`,
        { operation: "commit" }
      )
    }
    if (!(yield* client.commitMetadata(url))) {
      return yield* storageError(
        "Unsupported",
        `Profile '${profile}' has no metadata_provider, so there is no manifest to commit.`,
        { operation: "commit" }
      )
    }
    yield* emit(() => `Committed the manifest of profile '${profile}' with the objects under ${url}.`, () => ({ url, profile }))
  }).pipe(Effect.scoped)).pipe(
    Command.withDescription(
      "Record the objects stored under a directory in the profile's manifest and commit it (MSC's commit_metadata(prefix))."
    )
  )

/**
 * @since 0.1.0
 * @category commands
 */
export const manifest = Command.make("manifest").pipe(
  Command.withDescription("Work with MSC manifests (metadata_provider type manifest)."),
  Command.withSubcommands([generate, commit])
)
