/**
 * Artisan's HTTP API (formats doc §2.6) as one request handler: permissions
 * are checked before routing (401, empty, for anything not allowed, so an
 * unknown method is 401 too), then `/artifacts...` and `/schemas/...`;
 * anything else is 404.
 *
 * Deviations from Artisan, each because Artisan is buggy or unsafe there:
 * - errors are a one-sentence `text/plain` body (400 bad spec or body, 403
 *   path or `_path_` outside the root, 404 missing, 500 failed build), never a traceback;
 * - `Range` is ignored and the whole file is sent with 200 (RFC 9110 allows
 *   it; Artisan's range copies stray header bytes);
 * - `POST` answers once the build has finished (or a match was found), so
 *   `Location` never names a directory whose build then fails;
 * - `Last-Modified` is in GMT (Artisan formats local time with "GMT").
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import { Artifacts } from "../../services/Artifacts.ts"
import type { ArtifactError } from "../../services/Artifacts.ts"
import { StorageClient } from "../../services/StorageClient.ts"
import { decode as decodeCbor, encode as encodeCbor } from "../../layers/artifacts/cbor.ts"
import { extensionOf } from "../../layers/artifacts/fields.ts"
import { META_FILE, parseMeta } from "../../layers/artifacts/meta.ts"
import { specDictSchema, specListSchema, specSchema } from "../../layers/artifacts/specSchemas.ts"
import { checkRelative, joinPath, readOptional } from "../../layers/artifacts/store.ts"
import { allows, OPEN, permissionFor } from "./permissions.ts"
import type { PasswordPermissions } from "./permissions.ts"
import { listDirectory } from "./listing.ts"

const COMMON = { "access-control-allow-origin": "*", "cache-control": "no-cache" }
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".cbor": "application/cbor",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv",
  ".html": "text/html",
  ".png": "image/png"
}

const sentence = (status: number, message: string) =>
  HttpServerResponse.text(message, { status, headers: COMMON })

const statusOf = (error: ArtifactError): number => {
  switch (error.reason) {
    case "InvalidSpec":
    case "UnknownType":
    case "Incompatible":
    case "InvalidField":
      return 400
    case "InvalidPath":
      return 403
    case "NotFound":
    case "NotAnArtifact":
      return 404
    default:
      return 500
  }
}

const httpDate = (date: Date) => date.toUTCString()

const respondWithTime = (body: Uint8Array, contentType: string, modified: Date | undefined, ifModifiedSince: string | undefined) => {
  const since = ifModifiedSince === undefined ? Number.NaN : Date.parse(ifModifiedSince)
  // Capped at now - 2 s like Artisan: a time this recent may still change within its second.
  const time = modified === undefined ? undefined : Math.min(modified.getTime(), Date.now() - 2000)
  if (time !== undefined && !Number.isNaN(since) && Math.floor(time / 1000) * 1000 <= since) {
    return Effect.succeed(HttpServerResponse.empty({ status: 304, headers: COMMON }))
  }
  const headers = time === undefined ? COMMON : { ...COMMON, "last-modified": httpDate(new Date(time)) }
  return Effect.succeed(HttpServerResponse.uint8Array(body, { headers, contentType }))
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ApiOptions {
  /** Passwords and what they allow; Artisan's open default when absent. */
  readonly permissions?: ReadonlyArray<PasswordPermissions> | undefined
}

/**
 * The handler, to serve with `HttpServer.serve`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeApi = (options: ApiOptions = {}) =>
  Effect.gen(function*() {
    const artifacts = yield* Artifacts
    const client = yield* StorageClient
    const permissions = options.permissions ?? OPEN
    const schemas: Readonly<Record<string, string>> = {
      spec: JSON.stringify(specSchema(artifacts.scope), null, 2),
      "spec-list": JSON.stringify(specListSchema(artifacts.scope), null, 2),
      "spec-dict": JSON.stringify(specDictSchema(artifacts.scope), null, 2)
    }

    const schemaRoute = (method: string, name: string) => {
      const body = schemas[name]
      if (body === undefined) return HttpServerResponse.empty({ status: 404 })
      if (method === "OPTIONS") return HttpServerResponse.empty({ status: 204, headers: { ...COMMON, allow: "OPTIONS, HEAD, GET" } })
      if (method !== "GET" && method !== "HEAD") return HttpServerResponse.empty({ status: 405, headers: { allow: "OPTIONS, HEAD, GET" } })
      return HttpServerResponse.text(body, { headers: COMMON, contentType: "application/schema+json" })
    }

    const get = Effect.fn("ArtifactsApi.get")(function*(path: string, ifModifiedSince: string | undefined) {
      const url = joinPath(artifacts.root, path)
      const listing = yield* listDirectory(client, url)
      if (listing !== undefined) {
        const metaBytes = yield* readOptional(client, joinPath(url, META_FILE))
        const meta = metaBytes === undefined ? undefined : parseMeta(new TextDecoder().decode(metaBytes))
        const body: Record<string, unknown> = { _meta_: meta ?? null }
        for (const name of listing.names) body[name] = null
        return yield* respondWithTime(encodeCbor(body), "application/cbor", listing.lastModified, ifModifiedSince)
      }
      // The last segment may name a file by its stem (`/x/b` finds `b.cbor`), as in Artisan.
      const slash = path.lastIndexOf("/")
      const parent = slash < 0 ? "" : path.slice(0, slash)
      const leaf = path.slice(slash + 1)
      const siblings = yield* listDirectory(client, joinPath(artifacts.root, parent))
      const file = siblings?.files.find((entry) => entry.name === leaf) ??
        siblings?.files.find((entry) => entry.name.slice(0, entry.name.length - extensionOf(entry.name).length) === leaf)
      if (file === undefined || leaf === "") return sentence(404, `There is no artifact or file at /artifacts/${path}.`)
      const bytes = yield* readOptional(client, joinPath(artifacts.root, joinPath(parent, file.name)))
      if (bytes === undefined) return sentence(404, `There is no artifact or file at /artifacts/${path}.`)
      const type = CONTENT_TYPES[extensionOf(file.name)] ?? "application/octet-stream"
      return yield* respondWithTime(bytes, type, file.lastModified, ifModifiedSince)
    })

    const post = Effect.fn("ArtifactsApi.post")(function*(request: HttpServerRequest.HttpServerRequest) {
      const body = new Uint8Array(yield* Effect.orElseSucceed(request.arrayBuffer, () => new ArrayBuffer(0)))
      let spec: unknown
      try {
        spec = decodeCbor(body)
      } catch (error) {
        return sentence(400, `The request body is not one CBOR-encoded spec: ${error instanceof Error ? error.message : String(error)}`)
      }
      const artifact = yield* artifacts.buildEncoded(spec)
      return HttpServerResponse.empty({ status: 201, headers: { ...COMMON, location: `/artifacts/${artifact.path}`, "content-length": "0" } })
    })

    const remove = Effect.fn("ArtifactsApi.delete")(function*(path: string) {
      if (path === "") return sentence(403, "The artifact root itself cannot be deleted.")
      const url = joinPath(artifacts.root, path)
      const isDirectory = (yield* listDirectory(client, url)) !== undefined
      const deleted = yield* client.delete(url, { recursive: isDirectory }).pipe(
        Effect.map((result) => (isDirectory ? result.deleted : 1)),
        Effect.orElseSucceed(() => 0)
      )
      return deleted === 0 ? sentence(404, `There is nothing at /artifacts/${path}.`) : HttpServerResponse.empty({ status: 204, headers: COMMON })
    })

    const artifactsRoute = (request: HttpServerRequest.HttpServerRequest, rest: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        if (request.method === "OPTIONS") {
          return HttpServerResponse.empty({
            status: 204,
            headers: { ...COMMON, "access-control-allow-methods": "*", "access-control-allow-headers": "*", allow: "OPTIONS, HEAD, GET, POST, DELETE" }
          })
        }
        const path = yield* checkRelative(rest.join("/"))
        if (request.method === "GET" || request.method === "HEAD") return yield* get(path, request.headers["if-modified-since"])
        if (request.method === "POST") return yield* post(request)
        return yield* remove(path)
      }).pipe(Effect.catchTag("ArtifactError", (error) => Effect.succeed(sentence(statusOf(error), error.message))))

    return Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      if (!allows(permissions, request.headers["authorization"], permissionFor(request.method))) {
        return HttpServerResponse.empty({ status: 401 })
      }
      const pathname = new URL(request.url, "http://localhost").pathname
      let segments: Array<string>
      try {
        segments = pathname.split("/").filter((segment) => segment !== "").map(decodeURIComponent)
      } catch {
        return sentence(400, "The request path is not valid percent-encoded UTF-8.")
      }
      const [area, ...rest] = segments
      if (area === "artifacts") return yield* artifactsRoute(request, rest)
      if (area === "schemas" && rest.length === 1) return schemaRoute(request.method, rest[0]!)
      return HttpServerResponse.empty({ status: 404 })
    }).pipe(
      Effect.catchCause(() => Effect.succeed(sentence(500, "The server could not answer this request.")))
    )
  })
