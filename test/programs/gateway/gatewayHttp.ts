/**
 * Requests to a served gateway (see gatewayFixture.ts) and a look at what it
 * stored.
 */
import { Effect } from "effect"
import { HttpBody, HttpClient, HttpClientRequest } from "effect/http"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

/** POSTs `body` (JSON unless a content type is given) and returns status, headers and parsed JSON. */
export const post = (path: string, body: unknown, options: { key?: string; headers?: Record<string, string>; contentType?: string } = {}) =>
  Effect.gen(function*() {
    const text = typeof body === "string" ? body : JSON.stringify(body)
    const response = yield* HttpClient.execute(HttpClientRequest.post(path, {
      headers: { ...(options.key === undefined ? {} : { "x-api-key": options.key }), ...options.headers },
      body: HttpBody.text(text, options.contentType ?? "application/json")
    }))
    return { status: response.status, headers: response.headers, body: (yield* response.json) as Record<string, any> }
  })

export const get = (path: string, key: string) =>
  Effect.gen(function*() {
    const response = yield* HttpClient.execute(HttpClientRequest.get(path, { headers: { "x-api-key": key } }))
    return { status: response.status, body: (yield* response.json) as any }
  })

/** Lines of every JSONL object under `<dir>/data/<kind>/<contract>`. */
export const storedIn = (dir: string) => (kind: string, contract: string): Array<any> => {
  const root = join(dir, "data", kind, contract)
  let files: Array<string> = []
  try {
    files = readdirSync(root, { recursive: true }).map(String).filter((f) => f.endsWith(".jsonl")).map((f) => join(root, f))
  } catch {
    return []
  }
  return files.flatMap((file) => readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)))
}
