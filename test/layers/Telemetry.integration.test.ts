/**
 * The real `strata` executable exporting to a real OTLP/HTTP receiver (a
 * node:http server on 127.0.0.1 decoding the exporters' protobuf or JSON).
 */
import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { type OtlpSpan, type OtlpValue, spansOfRequest } from "../support/otlpTraces.ts"
import { freePort } from "../support/ports.ts"

const MAIN = fileURLToPath(new URL("../../src/programs/cli/main.ts", import.meta.url))

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs strata without blocking the event loop (the receiver lives in it). */
const runStrata = (args: ReadonlyArray<string>, cwd: string, env: Record<string, string>): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd,
      env: { PATH: process.env["PATH"] ?? "", HOME: cwd, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

interface Receiver {
  readonly url: string
  readonly spans: Array<OtlpSpan>
  readonly metricNames: Set<string>
  readonly paths: Array<string>
  readonly close: () => Promise<void>
}

const startReceiver = (): Promise<Receiver> =>
  new Promise((resolve) => {
    const spans: Array<OtlpSpan> = []
    const metricNames = new Set<string>()
    const paths: Array<string> = []
    const server = http.createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        paths.push(`${request.method} ${request.url} ${request.headers["content-type"]}`)
        const bytes = Buffer.concat(chunks)
        if (request.url === "/v1/traces") {
          spans.push(...spansOfRequest(request.headers["content-type"], bytes))
        } else if (request.url === "/v1/metrics") {
          const body = JSON.parse(bytes.toString("utf8") || "{}")
          for (const resource of body.resourceMetrics ?? []) {
            for (const scope of resource.scopeMetrics ?? []) {
              for (const metric of scope.metrics ?? []) metricNames.add(metric.name)
            }
          }
        }
        response.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        spans,
        metricNames,
        paths,
        close: () => new Promise((done) => server.close(() => done()))
      })
    })
  })

const tree = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-otlp-"))
  fs.mkdirSync(path.join(dir, "src", "sub"), { recursive: true })
  fs.writeFileSync(path.join(dir, "src", "a.txt"), "alpha")
  fs.writeFileSync(path.join(dir, "src", "sub", "b.txt"), "beta")
  return dir
}

/** Runs `body` in a fresh copy of the sample tree, removed afterwards. */
const inTree = async (body: (dir: string) => Promise<void>): Promise<void> => {
  const dir = tree()
  try {
    await body(dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** The `strata: warning: ...` lines of a run's stderr. */
const warningLines = (run: Run): Array<string> => run.stderr.split("\n").filter((line) => line.startsWith("strata: warning: "))

const attribute = (span: OtlpSpan, key: string): OtlpValue | undefined =>
  span.attributes?.find((entry) => entry.key === key)?.value

describe("Telemetry over OTLP/HTTP", () => {
  it("takes the metrics exporter from the config file's opentelemetry section (MSC keys)", async () => {
    const receiver = await startReceiver()
    try {
      await inTree(async (dir) => {
        const config = path.join(dir, "msc.yaml")
        fs.writeFileSync(config, [
          "opentelemetry:",
          "  metrics:",
          "    exporter:",
          "      type: otlp",
          `      options: {endpoint: "${receiver.url}/v1/metrics"}`,
          "    reader:",
          "      options: {export_interval_millis: 100}",
          ""
        ].join("\n"))
        const run = await runStrata(["--config", config, "cp", "-r", "src", "dst"], dir, {})
        assert.strictEqual(run.code, 0, run.stderr)
        assert.isTrue(receiver.paths.some((line) => line.startsWith("POST /v1/metrics")), receiver.paths.join("; "))
        assert.isTrue([...receiver.metricNames].some((name) => name.startsWith("strata.storage.")))
        assert.notInclude(run.stderr, "could not export", "every export reached the receiver")
      })
    } finally {
      await receiver.close()
    }
  })

  it.each([
    { protocol: "http/protobuf", contentType: "application/x-protobuf" },
    { protocol: "http/json", contentType: "application/json" }
  ])("exports the CLI's root span, the storage spans under it and the storage metrics ($protocol)", async ({ protocol, contentType }) => {
    const receiver = await startReceiver()
    try {
      await inTree(async (dir) => {
        const run = await runStrata(["cp", "-r", "src", "dst"], dir, {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
          OTEL_METRIC_EXPORT_INTERVAL: "100"
        })
        assert.strictEqual(run.code, 0, run.stderr)
        assert.strictEqual(fs.readFileSync(path.join(dir, "dst", "sub", "b.txt"), "utf8"), "beta")
        assert.isTrue(receiver.paths.some((line) => line.startsWith(`POST /v1/traces ${contentType}`)), receiver.paths.join("; "))

        const roots = receiver.spans.filter((span) => span.name === "strata cp")
        assert.strictEqual(roots.length, 1)
        const root = roots[0]!
        assert.isUndefined(root.parentSpanId || undefined)
        assert.strictEqual(Number(attribute(root, "strata.exit_code")?.intValue), 0)
        assert.strictEqual(Number(attribute(root, "strata.args.count")?.intValue), 4)

        const storage = receiver.spans.filter((span) => span.name.startsWith("StorageProvider."))
        assert.isAbove(storage.length, 0)
        const copyOfB = storage.find((span) => attribute(span, "strata.storage.key")?.stringValue?.endsWith("b.txt"))
        assert.isDefined(copyOfB, storage.map((span) => span.name).join(", "))
        assert.strictEqual(attribute(copyOfB!, "strata.storage.status")?.stringValue, "success")
        const byId = new Map(receiver.spans.map((span) => [span.spanId, span]))
        for (const span of storage) {
          assert.strictEqual(span.traceId, root.traceId, span.name)
          // Follow the parents up: every chain ends at the root span.
          let current: OtlpSpan | undefined = span
          for (let depth = 0; current !== undefined && current.spanId !== root.spanId && depth < 20; depth++) {
            current = current.parentSpanId ? byId.get(current.parentSpanId) : undefined
          }
          assert.strictEqual(current?.spanId, root.spanId, `${span.name} does not chain to the root span`)
        }
        assert.isTrue([...receiver.metricNames].some((name) => name.startsWith("strata.storage.")))
        assert.notInclude(run.stderr, "could not export", "every export reached the receiver")
      })
    } finally {
      await receiver.close()
    }
  }, 30_000)

  it("still copies, with exit code 0, when the collector is unreachable, and says what was not exported", async () => {
    await inTree(async (dir) => {
      const port = await freePort()
      const run = await runStrata(["cp", "-r", "src", "dst"], dir, {
        // The default interval: metrics go once, at the end, so the refusal is what is reported.
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`
      })
      assert.strictEqual(run.code, 0, run.stderr)
      assert.strictEqual(fs.readFileSync(path.join(dir, "dst", "a.txt"), "utf8"), "alpha")
      const warnings = warningLines(run)
      // One line per signal; the root span and a storage span per file at least.
      assert.strictEqual(warnings.length, 2, run.stderr)
      const spans = warnings.find((line) => line.includes("/v1/traces"))
      assert.match(spans ?? "", new RegExp(`^strata: warning: telemetry could not export (\\d+) spans to http://127\\.0\\.0\\.1:${port}/v1/traces: connect ECONNREFUSED`))
      assert.isAtLeast(Number(/export (\d+) spans/.exec(spans ?? "")?.[1]), 3)
      assert.match(warnings.find((line) => line.includes("/v1/metrics")) ?? "", /could not export metrics \(1 export failed\) to .*: connect ECONNREFUSED/)
    })
  }, 20_000)

  it("prints console exporters' spans and metrics on stderr, leaving stdout to the command's JSON", async () => {
    await inTree(async (dir) => {
      const run = await runStrata(["ls", "--json", "src"], dir, {
        OTEL_TRACES_EXPORTER: "console",
        OTEL_METRICS_EXPORTER: "console"
      })
      assert.strictEqual(run.code, 0, run.stderr)
      const listed = JSON.parse(run.stdout) as Array<{ readonly key: string }>
      assert.deepStrictEqual(listed.map((entry) => path.basename(entry.key)).toSorted(), ["a.txt", "sub"])
      assert.include(run.stderr, "name: 'strata ls'")
      assert.include(run.stderr, "name: 'strata.storage.request.sum'")
    })
  }, 20_000)

  it("warns once per invalid OTEL_* value and still runs the command", async () => {
    await inTree(async (dir) => {
      const run = await runStrata(["cp", "-r", "src", "dst"], dir, {
        OTEL_EXPORTER_OTLP_ENDPOINT: "not a url",
        OTEL_METRIC_EXPORT_INTERVAL: "soon",
        OTEL_METRICS_EXPORTER: "carrier-pigeon"
      })
      assert.strictEqual(run.code, 0, run.stderr)
      const warnings = warningLines(run)
      assert.deepStrictEqual(warnings, [
        "strata: warning: ignoring OTEL_EXPORTER_OTLP_ENDPOINT=\"not a url\": not an http(s) URL",
        "strata: warning: ignoring OTEL_METRICS_EXPORTER entry \"carrier-pigeon\": expected otlp, console or none",
        "strata: warning: ignoring OTEL_METRIC_EXPORT_INTERVAL=\"soon\": not a positive number of milliseconds"
      ])
      assert.strictEqual(fs.readFileSync(path.join(dir, "dst", "a.txt"), "utf8"), "alpha")
    })
  }, 20_000)
})
