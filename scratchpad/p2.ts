import { Schema, JsonSchema } from "effect"
const Inner = Schema.Struct({ a: Schema.Finite }).annotate({ identifier: "Inner" })
const S = Schema.Struct({ x: Inner, y: Inner, n: Schema.Finite.annotate({description: "count"}), k: Schema.Literals(["a","b"]) })
const doc = Schema.toJsonSchemaDocument(S)
console.log(JSON.stringify(JsonSchema.toDocumentDraft07(doc)))
