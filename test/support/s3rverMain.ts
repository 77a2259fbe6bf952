/**
 * Runs s3rver (the npm S3 emulator) for the tests: `node
 * --openssl-legacy-provider test/support/s3rverMain.ts <dir> <port> <bucket>...`
 * prints `{"port": n}` on stdout once it listens.
 *
 * One fix to the emulator, its store's listing: s3rver lists keys in
 * file-system walk order (a key "a/b" is a file in a directory "a", so "a/b"
 * comes before "a-b" and "a.txt"), compares `start-after` as UTF-16, and with
 * a delimiter loses the common prefix "a/c/" when its only keys are deeper
 * ("a/c/d/e"). S3 lists in UTF-8 byte order with every common prefix, so the
 * listing is re-sorted, re-bounded and re-grouped here. And a ranged GET of
 * an empty object: s3rver answers 206 with `Content-Length: 1` and no body
 * (the client then waits until the socket is closed); S3 answers 416, as
 * here. Everything else is s3rver's own behaviour.
 */
import { createRequire } from "node:module"

interface Listing {
  objects: Array<{ key: string }>
  commonPrefixes: Array<string>
  isTruncated: boolean
}
interface Stored {
  size: number
  range?: unknown
  content: { destroy: () => void } | null
}
interface Store {
  listObjects: (bucket: string, options: Record<string, unknown>) => Promise<Listing>
  getObject: (bucket: string, key: string, options?: { start?: number; end?: number }) => Promise<Stored | null>
}

const require = createRequire(import.meta.url)
const S3rver = require("s3rver") as new (options: Record<string, unknown>) => {
  store: Store
  run: () => Promise<{ port: number }>
}

const [directory, port, ...buckets] = process.argv.slice(2)
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

const server = new S3rver({
  address: "127.0.0.1",
  port: Number(port),
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name }))
})
const listObjects = server.store.listObjects.bind(server.store)
server.store.listObjects = async (bucket, options) => {
  const prefix = typeof options["prefix"] === "string" ? options["prefix"] : ""
  const delimiter = typeof options["delimiter"] === "string" ? options["delimiter"] : ""
  const startAfter = typeof options["startAfter"] === "string" ? options["startAfter"] : ""
  const maxKeys = typeof options["maxKeys"] === "number" ? options["maxKeys"] : Infinity
  // Without a delimiter s3rver walks every key under the prefix; the common prefixes are computed here.
  const all = await listObjects(bucket, { prefix, startAfter: "", maxKeys: Infinity })
  const objects: Array<{ key: string }> = []
  const commonPrefixes = new Set<string>()
  for (const object of all.objects.toSorted((a, b) => byteOrder(a.key, b.key))) {
    if (byteOrder(object.key, startAfter) <= 0) continue
    const cut = delimiter === "" ? -1 : object.key.indexOf(delimiter, prefix.length)
    if (cut === -1) objects.push(object)
    else commonPrefixes.add(object.key.slice(0, cut + delimiter.length))
  }
  const page = objects.slice(0, maxKeys)
  const last = page.at(-1)?.key
  const truncated = objects.length > page.length
  return {
    objects: page,
    commonPrefixes: [...commonPrefixes].filter((common) => !truncated || last === undefined || byteOrder(common, last) < 0),
    isTruncated: truncated
  }
}
const getObject = server.store.getObject.bind(server.store)
server.store.getObject = async (bucket, key, options) => {
  const object = await getObject(bucket, key, options)
  if (object === null || object.size > 0 || options?.start === undefined) return object
  object.content?.destroy()
  object.content = null
  object.range = { start: options.start, end: 0 }
  return object
}
const address = await server.run()
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`)
