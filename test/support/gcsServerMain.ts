/**
 * The GCS test server as a process: `node gcsServerMain.ts [token]` prints
 * `listening <port>` and serves until killed.
 */
import { serveGcs } from "./gcsServer.ts"

const port = await serveGcs({ requireToken: process.argv[2] })
console.log(`listening ${port}`)
