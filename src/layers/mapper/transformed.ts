/**
 * The last resort for a declared type decoded from another schema
 * (`Schema.String.pipe(Schema.decodeTo(Schema.instanceOf(C), ...))`): the
 * payload goes through the schema itself, so such a type needs no converter
 * of its own.
 *
 * @since 0.1.0
 */
import { Schema, SchemaAST } from "effect"
import type { Converter } from "../../services/MapperModule.ts"
import { fail } from "../../services/MapperModule.ts"

/** The schema's first sentence, without Effect's path lines (the mapper traces the path itself). */
const through = (run: (input: unknown) => unknown) => (input: unknown): unknown => {
  try {
    return run(input)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return fail(message.split("\n")[0] ?? message)
  }
}

/**
 * @since 0.1.0
 * @category converters
 */
export const transformed: Converter = {
  name: "transformed",
  compile: (ast, compiler) => {
    if (!SchemaAST.isDeclaration(ast) || ast.encoding === undefined) return undefined
    const schema = Schema.make<Schema.Codec<unknown, unknown>>(ast)
    return { label: compiler.label(ast), decode: through(Schema.decodeUnknownSync(schema)), encode: through(Schema.encodeUnknownSync(schema)) }
  }
}
