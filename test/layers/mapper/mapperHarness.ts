import { assert } from "@effect/vitest"
import { Effect } from "effect"
import type { Schema } from "effect"
import * as ObjectMapperLive from "../../../src/layers/ObjectMapperLive.ts"
import type { MapOptions } from "../../../src/services/ObjectMapper.ts"
import { ObjectMapper } from "../../../src/services/ObjectMapper.ts"

/** Deserializes `payload`, serializes the result, and checks both directions. */
export const roundTrip = <S extends Schema.Top>(
  schema: S,
  payload: unknown,
  options: MapOptions & { readonly value?: unknown; readonly written?: unknown } = {}
) =>
  Effect.gen(function*() {
    const mapper = yield* ObjectMapper
    const value = yield* mapper.deserialize(schema, payload, options)
    if ("value" in options) assert.deepStrictEqual(value, options.value)
    const written = yield* mapper.serialize(schema, value, options)
    assert.deepStrictEqual(written, "written" in options ? options.written : payload)
    return value
  }).pipe(Effect.provide(ObjectMapperLive.layer))

/** The MapperError of a payload that must fail to deserialize. */
export const failure = <S extends Schema.Top>(schema: S, payload: unknown, options?: MapOptions) =>
  ObjectMapper.use((mapper) => Effect.flip(mapper.deserialize(schema, payload, options))).pipe(Effect.provide(ObjectMapperLive.layer))

/** The MapperError of a value that must fail to serialize. */
export const serializeFailure = <S extends Schema.Top>(schema: S, value: unknown, options?: MapOptions) =>
  ObjectMapper.use((mapper) => Effect.flip(mapper.serialize(schema, value as S["Type"], options))).pipe(Effect.provide(ObjectMapperLive.layer))

/** The first line of an error message. */
export const firstLine = (error: { readonly message: string }) => error.message.split("\n")[0]
