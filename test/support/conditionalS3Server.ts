/**
 * A small in-repo S3 server for the one thing s3rver cannot check:
 * conditional requests. s3rver ignores `If-Match` / `If-None-Match` on PUT,
 * DELETE and multipart completion, and `If-Match` on GET. This server speaks
 * just enough of the S3 REST protocol (path-style; PutObject, GetObject,
 * HeadObject, DeleteObject and multipart uploads, with S3's answers to
 * conditions: 412 PreconditionFailed, 304 on GET/HEAD, 404 NoSuchKey for
 * `If-Match` on a missing object) and records the condition headers it
 * received, so a test can tell the check happened on the server. It keeps
 * objects in memory and does not check signatures. Everything else is
 * tested against s3rver.
 */
import { createHash } from "node:crypto"
import * as http from "node:http"
import { buffer } from "node:stream/consumers"

/** A request as the server saw it. */
export interface SeenRequest {
  readonly method: string
  readonly key: string
  readonly query: string
  readonly ifMatch: string | undefined
  readonly ifNoneMatch: string | undefined
}

export interface ConditionalS3Server {
  readonly endpoint: string
  readonly bucket: string
  readonly requests: Array<SeenRequest>
  /** Multipart uploads aborted so far. */
  readonly aborted: () => number
  readonly stop: () => Promise<void>
}

interface Stored {
  readonly bytes: Buffer
  readonly etag: string
}

const md5 = (bytes: Buffer) => `"${createHash("md5").update(bytes).digest("hex")}"`

const fail = (response: http.ServerResponse, status: number, code: string, head: boolean) => {
  response.writeHead(status, { "content-type": "application/xml" })
  response.end(head || status === 304 ? undefined : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`)
}

export const startConditionalS3Server = async (bucket = "conditional"): Promise<ConditionalS3Server> => {
  const objects = new Map<string, Stored>()
  const uploads = new Map<string, Map<number, Buffer>>()
  const requests: Array<SeenRequest> = []
  let aborted = 0
  let uploadIds = 0

  /** S3's answer to the conditions of a write, or undefined when the write may go ahead. */
  const writeRefusal = (current: Stored | undefined, ifMatch: string | undefined, ifNoneMatch: string | undefined) => {
    if (ifNoneMatch === "*" && current !== undefined) return [412, "PreconditionFailed"] as const
    if (ifMatch !== undefined && current === undefined) return [404, "NoSuchKey"] as const
    if (ifMatch !== undefined && current?.etag !== ifMatch) return [412, "PreconditionFailed"] as const
    return undefined
  }

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://localhost")
    const [, first, ...rest] = url.pathname.split("/")
    const key = rest.map(decodeURIComponent).join("/")
    const ifMatch = request.headers["if-match"]
    const ifNoneMatch = request.headers["if-none-match"]
    const method = request.method ?? "GET"
    requests.push({ method, key, query: url.search, ifMatch, ifNoneMatch })
    const body = await buffer(request)
    if (first !== bucket) return fail(response, 404, "NoSuchBucket", method === "HEAD")
    const current = objects.get(key)
    const uploadId = url.searchParams.get("uploadId")
    if (method === "POST" && url.searchParams.has("uploads")) {
      const id = `upload-${++uploadIds}`
      uploads.set(id, new Map())
      response.writeHead(200, { "content-type": "application/xml" })
      return response.end(`<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`)
    }
    if (uploadId !== null) {
      const parts = uploads.get(uploadId)
      if (parts === undefined) return fail(response, 404, "NoSuchUpload", false)
      if (method === "PUT") {
        parts.set(Number(url.searchParams.get("partNumber")), body)
        response.writeHead(200, { etag: md5(body) })
        return response.end()
      }
      if (method === "DELETE") {
        uploads.delete(uploadId)
        aborted++
        response.writeHead(204)
        return response.end()
      }
      const refusal = writeRefusal(current, ifMatch, ifNoneMatch)
      if (refusal !== undefined) return fail(response, refusal[0], refusal[1], false)
      const bytes = Buffer.concat([...parts.entries()].toSorted(([a], [b]) => a - b).map(([, part]) => part))
      const etag = `"${createHash("md5").update(bytes).digest("hex")}-${parts.size}"`
      objects.set(key, { bytes, etag })
      uploads.delete(uploadId)
      response.writeHead(200, { "content-type": "application/xml" })
      return response.end(`<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etag.replaceAll("\"", "&quot;")}</ETag></CompleteMultipartUploadResult>`)
    }
    if (method === "PUT") {
      const refusal = writeRefusal(current, ifMatch, ifNoneMatch)
      if (refusal !== undefined) return fail(response, refusal[0], refusal[1], false)
      const stored = { bytes: body, etag: md5(body) }
      objects.set(key, stored)
      response.writeHead(200, { etag: stored.etag })
      return response.end()
    }
    if (method === "DELETE") {
      const refusal = ifMatch === undefined ? undefined : writeRefusal(current, ifMatch, undefined)
      if (refusal !== undefined) return fail(response, refusal[0], refusal[1], false)
      objects.delete(key)
      response.writeHead(204)
      return response.end()
    }
    if (method === "GET" || method === "HEAD") {
      const head = method === "HEAD"
      if (current === undefined) return fail(response, 404, "NoSuchKey", head)
      if (ifMatch !== undefined && ifMatch !== current.etag) return fail(response, 412, "PreconditionFailed", head)
      if (ifNoneMatch !== undefined && (ifNoneMatch === "*" || ifNoneMatch === current.etag)) return fail(response, 304, "NotModified", head)
      response.writeHead(200, {
        etag: current.etag,
        "content-length": current.bytes.byteLength,
        "last-modified": new Date().toUTCString(),
        "content-type": "application/octet-stream"
      })
      return response.end(head ? undefined : current.bytes)
    }
    return fail(response, 501, "NotImplemented", false)
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch(() => fail(response, 500, "InternalError", false))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    requests,
    aborted: () => aborted,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
