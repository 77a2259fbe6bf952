/**
 * A minimal in-process server of the Google Cloud Storage JSON API, for the
 * `gcs` provider's tests and nothing else: no GCS emulator can be installed
 * here. It serves exactly what `@google-cloud/storage` sends for the calls the
 * provider makes (object metadata, media downloads with Range, multipart and
 * resumable uploads, listings with prefix/delimiter/pageToken/startOffset/
 * endOffset, delete, rewrite, and ifGenerationMatch/ifGenerationNotMatch), in
 * GCS's byte order, with GCS's status codes and error bodies. It checks our
 * request shapes; it says nothing about Google's server beyond that.
 *
 * `requireToken` makes it demand `Authorization: Bearer <token>` (401
 * without, 403 with another).
 *
 * @since 0.1.0
 */
import { CRC32C } from "@google-cloud/storage"
import { createHash, randomUUID } from "node:crypto"
import { spawn } from "node:child_process"
import * as http from "node:http"
import { buffer } from "node:stream/consumers"
import { fileURLToPath } from "node:url"
import { compareKeys } from "../../src/services/StorageProvider.ts"

interface StoredObject {
  readonly data: Buffer
  readonly generation: number
  readonly contentType: string | undefined
  readonly metadata: Record<string, string> | undefined
  readonly updated: Date
}

interface Session {
  readonly bucket: string
  readonly name: string
  readonly resource: Record<string, unknown>
  readonly ifGenerationMatch: string | undefined
  readonly chunks: Array<Buffer>
}

/**
 * The server as its own process, so that its memory (it keeps objects
 * whole) does not count in the tests' memory probes.
 *
 * @since 0.1.0
 * @category models
 */
export interface GcsServer {
  /** `http://127.0.0.1:<port>` (the provider's `endpoint_url`). */
  readonly endpoint: string
  /** Creates a bucket (the JSON API's bucket insert; allowed without a token). */
  readonly createBucket: (name: string) => Promise<void>
  /** Method and path (without query) of every request so far. */
  readonly requests: () => Promise<ReadonlyArray<string>>
  readonly stop: () => Promise<void>
}

class HttpFailure extends Error {
  readonly status: number
  readonly reason: string
  constructor(status: number, message: string, reason: string) {
    super(message)
    this.status = status
    this.reason = reason
  }
}

const crc32cOf = (data: Buffer): string => {
  const crc = new CRC32C()
  crc.update(data)
  return crc.toString()
}

const objectResource = (bucket: string, name: string, o: StoredObject) => ({
  kind: "storage#object",
  id: `${bucket}/${name}/${o.generation}`,
  name,
  bucket,
  generation: String(o.generation),
  metageneration: "1",
  size: String(o.data.byteLength),
  md5Hash: createHash("md5").update(o.data).digest("base64"),
  crc32c: crc32cOf(o.data),
  etag: `C${o.generation}`,
  updated: o.updated.toISOString(),
  timeCreated: o.updated.toISOString(),
  ...(o.contentType === undefined ? {} : { contentType: o.contentType }),
  ...(o.metadata === undefined ? {} : { metadata: o.metadata })
})

/** The parts of a multipart/related body: [JSON metadata, media]. */
const multipartParts = (body: Buffer, contentType: string): [Record<string, unknown>, Buffer] => {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1]
  if (boundary === undefined) throw new HttpFailure(400, "Missing multipart boundary.", "invalid")
  const parts: Array<Buffer> = []
  const delimiter = Buffer.from(`--${boundary}`)
  let at = body.indexOf(delimiter)
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length)
    if (next < 0) break
    const part = body.subarray(at + delimiter.length, next)
    const split = part.indexOf("\r\n\r\n")
    parts.push(part.subarray(split + 4, part.byteLength - 2)) // drop the CRLF before the next delimiter
    at = next
  }
  if (parts.length < 2) throw new HttpFailure(400, "Expected metadata and media parts.", "invalid")
  return [JSON.parse(parts[0]!.toString("utf8")) as Record<string, unknown>, parts[1]!]
}

/**
 * Serves the API in this process on a free port of 127.0.0.1 and returns the
 * port (see `gcsServerMain.ts`).
 *
 * @since 0.1.0
 * @category servers
 */
export const serveGcs = async (options: { readonly requireToken?: string | undefined } = {}): Promise<number> => {
  const buckets = new Map<string, Map<string, StoredObject>>()
  const sessions = new Map<string, Session>()
  const requests: Array<string> = []
  let generation = 1_700_000_000_000_000

  const bucketOf = (name: string) => {
    const bucket = buckets.get(name)
    if (bucket === undefined) throw new HttpFailure(404, "The specified bucket does not exist.", "notFound")
    return bucket
  }
  const objectOf = (bucket: string, name: string) => {
    const found = bucketOf(bucket).get(name)
    if (found === undefined) throw new HttpFailure(404, `No such object: ${bucket}/${name}`, "notFound")
    return found
  }
  /** GCS preconditions: ifGenerationMatch (0 = must not exist) and ifGenerationNotMatch. */
  const check = (current: StoredObject | undefined, query: URLSearchParams, notMatchStatus = 304) => {
    const match = query.get("ifGenerationMatch")
    if (match !== null && String(current?.generation ?? 0) !== match) {
      throw new HttpFailure(412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet")
    }
    const notMatch = query.get("ifGenerationNotMatch")
    if (notMatch !== null && current !== undefined && String(current.generation) === notMatch) {
      throw new HttpFailure(notMatchStatus, "Not Modified", "notModified")
    }
  }
  const store = (bucket: string, name: string, data: Buffer, resource: Record<string, unknown>, query: URLSearchParams) => {
    const objects = bucketOf(bucket)
    check(objects.get(name), query, 412)
    const stored: StoredObject = {
      data,
      generation: ++generation,
      contentType: typeof resource["contentType"] === "string" ? resource["contentType"] : undefined,
      metadata: (resource["metadata"] as Record<string, string> | undefined) ?? undefined,
      updated: new Date()
    }
    objects.set(name, stored)
    return objectResource(bucket, name, stored)
  }

  const list = (bucket: string, query: URLSearchParams) => {
    const prefix = query.get("prefix") ?? ""
    const delimiter = query.get("delimiter") ?? ""
    const start = query.get("pageToken") ?? query.get("startOffset") ?? ""
    const end = query.get("endOffset")
    const max = Number(query.get("maxResults") ?? 1000)
    const names = [...bucketOf(bucket).keys()].filter((name) =>
      name.startsWith(prefix) && compareKeys(name, start) >= 0 && (end === null || compareKeys(name, end) < 0)
    ).toSorted(compareKeys)
    const items: Array<unknown> = []
    const prefixes: Array<string> = []
    let i = 0
    for (; i < names.length && items.length + prefixes.length < max; i++) {
      const name = names[i]!
      const cut = delimiter === "" ? -1 : name.indexOf(delimiter, prefix.length)
      if (cut < 0) {
        items.push(objectResource(bucket, name, buckets.get(bucket)!.get(name)!))
        continue
      }
      const common = name.slice(0, cut + delimiter.length)
      if (prefixes.at(-1) !== common) prefixes.push(common)
      while (i + 1 < names.length && names[i + 1]!.startsWith(common)) i++
    }
    return {
      kind: "storage#objects",
      ...(items.length === 0 ? {} : { items }),
      ...(prefixes.length === 0 ? {} : { prefixes }),
      ...(i < names.length ? { nextPageToken: names[i]! } : {})
    }
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost")
    const query = url.searchParams
    const method = req.method ?? "GET"
    if (url.pathname === "/_strata/requests") return void res.writeHead(200).end(JSON.stringify(requests))
    requests.push(`${method} ${url.pathname}`)
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=UTF-8" })
      res.end(JSON.stringify(body))
    }
    if (options.requireToken !== undefined && url.pathname !== "/storage/v1/b") {
      const given = req.headers.authorization
      if (given === undefined) throw new HttpFailure(401, "Anonymous caller does not have storage.objects.get access.", "required")
      if (given !== `Bearer ${options.requireToken}`) throw new HttpFailure(403, "Invalid Credentials", "forbidden")
    }
    const segments = url.pathname.split("/").map(decodeURIComponent)
    if (url.pathname === "/storage/v1/b" && method === "POST") {
      const { name } = JSON.parse((await buffer(req)).toString("utf8")) as { name: string }
      if (buckets.has(name)) throw new HttpFailure(409, "Your previous request to create the named bucket succeeded and you already own it.", "conflict")
      buckets.set(name, new Map())
      return json(200, { kind: "storage#bucket", id: name, name })
    }
    // /storage/v1/b/<bucket>/o[/<object>[/rewriteTo/b/<bucket>/o/<object>]]
    if (segments[1] === "storage" && segments[3] === "b" && segments[5] === "o") {
      const bucket = segments[4]!
      const rewrite = segments.indexOf("rewriteTo")
      const name = (rewrite < 0 ? segments.slice(6) : segments.slice(6, rewrite)).join("/")
      if (name === "" && method === "GET") return json(200, list(bucket, query))
      if (rewrite >= 0 && method === "POST") {
        const source = objectOf(bucket, name)
        const target = segments.slice(rewrite + 4).join("/")
        const resource = store(segments[rewrite + 2]!, target, source.data, { contentType: source.contentType, metadata: source.metadata }, query)
        return json(200, { kind: "storage#rewriteResponse", done: true, totalBytesRewritten: resource.size, objectSize: resource.size, resource })
      }
      if (method === "DELETE") {
        const current = objectOf(bucket, name)
        check(current, query)
        buckets.get(bucket)!.delete(name)
        res.writeHead(204).end()
        return
      }
      if (method === "GET") {
        const current = objectOf(bucket, name)
        check(current, query)
        if (query.get("alt") !== "media") return json(200, objectResource(bucket, name, current))
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "")
        if (range === null) {
          const hashes = `crc32c=${crc32cOf(current.data)},md5=${createHash("md5").update(current.data).digest("base64")}`
          res.writeHead(200, { "content-length": current.data.byteLength, "x-goog-generation": String(current.generation), "x-goog-hash": hashes })
          res.end(current.data)
          return
        }
        const from = Number(range[1])
        const to = range[2] === "" ? current.data.byteLength - 1 : Math.min(Number(range[2]), current.data.byteLength - 1)
        if (from >= current.data.byteLength) throw new HttpFailure(416, "The requested range cannot be satisfied.", "requestedRangeNotSatisfiable")
        res.writeHead(206, { "content-length": to - from + 1, "content-range": `bytes ${from}-${to}/${current.data.byteLength}` })
        res.end(current.data.subarray(from, to + 1))
        return
      }
    }
    // /upload/storage/v1/b/<bucket>/o?uploadType=multipart|resumable[&upload_id=]
    if (segments[1] === "upload" && segments[4] === "b" && segments[6] === "o") {
      const bucket = segments[5]!
      const body = await buffer(req)
      const uploadId = query.get("upload_id")
      if (uploadId !== null) {
        const session = sessions.get(uploadId)
        if (session === undefined) throw new HttpFailure(404, "No such upload.", "notFound")
        session.chunks.push(body)
        const complete = /\/(\d+|\*)$/.exec(req.headers["content-range"] ?? "")
        const received = session.chunks.reduce((n, chunk) => n + chunk.byteLength, 0)
        if (complete === null || (complete[1] !== "*" && Number(complete[1]) !== received)) {
          res.writeHead(308, received === 0 ? {} : { range: `bytes=0-${received - 1}` }).end()
          return
        }
        sessions.delete(uploadId)
        const conditions = new URLSearchParams(session.ifGenerationMatch === undefined ? {} : { ifGenerationMatch: session.ifGenerationMatch })
        return json(200, store(session.bucket, session.name, Buffer.concat(session.chunks), session.resource, conditions))
      }
      if (query.get("uploadType") === "multipart") {
        const [resource, media] = multipartParts(body, req.headers["content-type"] ?? "")
        return json(200, store(bucket, String(resource["name"] ?? query.get("name")), media, resource, query))
      }
      if (query.get("uploadType") === "resumable") {
        bucketOf(bucket)
        const resource = body.byteLength === 0 ? {} : JSON.parse(body.toString("utf8")) as Record<string, unknown>
        const contentType = req.headers["x-upload-content-type"]
        const id = randomUUID()
        sessions.set(id, {
          bucket,
          name: String(resource["name"] ?? query.get("name")),
          resource: typeof contentType === "string" ? { ...resource, contentType } : resource,
          ifGenerationMatch: query.get("ifGenerationMatch") ?? undefined,
          chunks: []
        })
        res.writeHead(200, { location: `http://${req.headers.host}${url.pathname}?uploadType=resumable&upload_id=${id}` }).end()
        return
      }
    }
    throw new HttpFailure(400, `This test server does not serve ${method} ${url.pathname}.`, "invalid")
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const failure = error instanceof HttpFailure ? error : new HttpFailure(500, String(error), "backendError")
      if (res.headersSent) return void res.destroy()
      // GCS puts no body on 304s; everything else gets its JSON error shape.
      if (failure.status === 304) return void res.writeHead(304).end()
      res.writeHead(failure.status, { "content-type": "application/json; charset=UTF-8" })
      res.end(JSON.stringify({
        error: { code: failure.status, message: failure.message, errors: [{ message: failure.message, reason: failure.reason }] }
      }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  return typeof address === "object" && address !== null ? address.port : 0
}

/**
 * Starts the server in a child process and waits until it listens.
 *
 * @since 0.1.0
 * @category servers
 */
export const startGcsServer = async (options: { readonly requireToken?: string } = {}): Promise<GcsServer> => {
  const main = fileURLToPath(new URL("gcsServerMain.ts", import.meta.url))
  const child = spawn(process.execPath, [main, ...(options.requireToken === undefined ? [] : [options.requireToken])], {
    stdio: ["ignore", "pipe", "inherit"]
  })
  const reap = () => child.kill("SIGKILL")
  process.once("exit", reap)
  child.once("exit", () => process.off("exit", reap))
  const port = await new Promise<number>((resolve, reject) => {
    let out = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8")
      const match = /listening (\d+)/.exec(out)
      if (match !== null) resolve(Number(match[1]))
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`the GCS test server exited (${code}) before listening`)))
  })
  const endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    createBucket: async (name) => {
      const res = await fetch(`${endpoint}/storage/v1/b?project=test`, { method: "POST", body: JSON.stringify({ name }) })
      if (!res.ok && res.status !== 409) throw new Error(`bucket ${name} not created: ${res.status}`)
    },
    requests: async () => (await (await fetch(`${endpoint}/_strata/requests`)).json()) as ReadonlyArray<string>,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM")
        await new Promise((resolve) => child.once("exit", resolve))
      }
    }
  }
}
