/**
 * The artifacts API served over HTTP by Node (`strata artifacts serve`).
 *
 * @since 0.1.0
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Effect, Layer } from "effect"
import { HttpServer } from "effect/http"
import { createServer } from "node:http"
import { makeApi } from "./api.ts"
import type { ApiOptions } from "./api.ts"

/**
 * The server on `host:port` (port 0 picks a free one; read it from `HttpServer.address`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerServer = (options: ApiOptions & { readonly host: string; readonly port: number }) =>
  Layer.unwrap(Effect.map(makeApi(options), (app) => HttpServer.serve(app))).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { host: options.host, port: options.port }))
  )
