// The start-up baseline: a Node process that loads grpc-js and listens on
// GESTALT_PLUGIN_SOCKET with nothing else (no Effect, no protocol code).
import * as grpc from "@grpc/grpc-js"

const server = new grpc.Server()
server.bindAsync(`unix:${process.env["GESTALT_PLUGIN_SOCKET"]}`, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error !== null) throw error
})
process.on("SIGTERM", () => server.tryShutdown(() => process.exit(0)))
