/**
 * Writes a byte stream to stdout, waiting for the pipe to drain so a slow
 * reader (`strata cat big | head`) never makes us buffer the object.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"

const writeChunk = (chunk: Uint8Array): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (process.stdout.write(chunk)) resume(Effect.void)
    else process.stdout.once("drain", () => resume(Effect.void))
  })

/**
 * @since 0.1.0
 * @category output
 */
export const pipeToStdout = <E, R>(stream: Stream.Stream<Uint8Array, E, R>): Effect.Effect<void, E, R> =>
  Stream.runForEach(stream, writeChunk)
