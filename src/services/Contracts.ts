/**
 * Data contracts in ContractGate's YAML format: a contract names the fields
 * an event must have (types, required, enum, pattern, bounds, nested objects
 * and arrays), plus glossary, metrics and quality rules. `compile` turns a
 * contract into a validator generated for it; `validate` never throws and
 * returns every violation with its field path, kind and message (the
 * reference engine's wording).
 *
 * Key names stay as ContractGate spells them (`min_length`, `null_as_absent`)
 * so existing contract files work unchanged; unknown keys are ignored, as in
 * the reference engine.
 *
 * @since 0.1.0
 */
import { Context, Schema } from "effect"
import type { Effect, Redacted } from "effect"

/**
 * A contract file or value that cannot be used; `file`, `path`, `line` and
 * `column` say where (the message names them too).
 *
 * @since 0.1.0
 * @category errors
 */
export class ContractError extends Schema.TaggedError<ContractError>()("ContractError", {
  message: Schema.String,
  file: Schema.optional(Schema.String),
  path: Schema.optional(Schema.String),
  line: Schema.optional(Schema.Number),
  column: Schema.optional(Schema.Number)
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export const FieldType = Schema.Literals(["string", "integer", "float", "number", "boolean", "object", "array", "any", "date"])
export type FieldType = typeof FieldType.Type

/**
 * @since 0.1.0
 * @category models
 */
export const Transform = Schema.Struct({
  kind: Schema.Literals(["mask", "hash", "drop", "redact"]),
  style: Schema.optional(Schema.Literals(["opaque", "format_preserving"]))
})
export type Transform = typeof Transform.Type

/**
 * One field of an event; `properties` for objects, `items` for arrays.
 * `required` defaults to true.
 *
 * @since 0.1.0
 * @category models
 */
export interface FieldDefinition {
  readonly name: string
  readonly type: FieldType
  readonly required?: boolean | undefined
  readonly pattern?: string | undefined
  readonly enum?: ReadonlyArray<unknown> | undefined
  readonly min?: number | undefined
  readonly max?: number | undefined
  readonly min_length?: number | undefined
  readonly max_length?: number | undefined
  readonly properties?: ReadonlyArray<FieldDefinition> | undefined
  readonly items?: FieldDefinition | undefined
  readonly transform?: Transform | undefined
}

const Length = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * @since 0.1.0
 * @category models
 */
export const FieldDefinition: Schema.Codec<FieldDefinition> = Schema.Struct({
  name: Schema.String,
  type: FieldType,
  required: Schema.optional(Schema.Boolean),
  pattern: Schema.optional(Schema.String),
  enum: Schema.optional(Schema.Array(Schema.Unknown)),
  min: Schema.optional(Schema.Finite),
  max: Schema.optional(Schema.Finite),
  min_length: Schema.optional(Length),
  max_length: Schema.optional(Length),
  properties: Schema.optional(Schema.Array(Schema.suspend(() => FieldDefinition))),
  items: Schema.optional(Schema.suspend(() => FieldDefinition)),
  transform: Schema.optional(Transform)
})

/**
 * A glossary entry (informational); `term`/`definition` are accepted as
 * aliases by the decoder.
 *
 * @since 0.1.0
 * @category models
 */
export const GlossaryEntry = Schema.Struct({
  field: Schema.String,
  description: Schema.String,
  constraints: Schema.optional(Schema.String),
  synonyms: Schema.optional(Schema.Array(Schema.String))
})
export type GlossaryEntry = typeof GlossaryEntry.Type

/**
 * A numeric bound on a field (dot path); `formula` is informational.
 *
 * @since 0.1.0
 * @category models
 */
export const Metric = Schema.Struct({
  name: Schema.String,
  field: Schema.optional(Schema.String),
  type: Schema.optional(Schema.Literals(["integer", "float"])),
  formula: Schema.optional(Schema.String),
  min: Schema.optional(Schema.Finite),
  max: Schema.optional(Schema.Finite)
})
export type Metric = typeof Metric.Type

/**
 * @since 0.1.0
 * @category models
 */
export const QualityRule = Schema.Struct({
  field: Schema.String,
  type: Schema.Literals(["completeness", "validity", "freshness", "uniqueness"]),
  description: Schema.optional(Schema.String),
  max_age_seconds: Schema.optional(Length),
  scope: Schema.optional(Schema.Literal("batch")),
  threshold: Schema.optional(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })))
})
export type QualityRule = typeof QualityRule.Type

/**
 * A contract version as written in YAML.
 *
 * @since 0.1.0
 * @category models
 */
export const Contract = Schema.Struct({
  version: Schema.String,
  name: Schema.String,
  description: Schema.optional(Schema.NullOr(Schema.String)),
  compliance_mode: Schema.optional(Schema.Boolean),
  ontology: Schema.Struct({ entities: Schema.Array(FieldDefinition) }),
  glossary: Schema.optional(Schema.Array(GlossaryEntry)),
  metrics: Schema.optional(Schema.Array(Metric)),
  quality: Schema.optional(Schema.Array(QualityRule)),
  egress_leakage_mode: Schema.optional(Schema.Literals(["off", "strip", "fail"])),
  envelope: Schema.optional(Schema.Struct({
    records_path: Schema.String,
    validate_wrapper: Schema.optional(Schema.Boolean)
  })),
  null_as_absent: Schema.optional(Schema.Boolean)
})
export type Contract = typeof Contract.Type

/**
 * @since 0.1.0
 * @category models
 */
export const ViolationKind = Schema.Literals([
  "missing_required_field",
  "type_mismatch",
  "length_violation",
  "pattern_mismatch",
  "range_violation",
  "enum_violation",
  "metric_range_violation",
  "undeclared_field",
  "completeness_violation",
  "freshness_violation",
  "uniqueness_violation",
  "leakage_violation",
  "deprecated_contract_version"
])
export type ViolationKind = typeof ViolationKind.Type

/**
 * One broken rule: `field` is the dotted path (`user.address.zip`,
 * `tags[1]`), `<root>` for a non-object event.
 *
 * @since 0.1.0
 * @category models
 */
export const Violation = Schema.Struct({ field: Schema.String, message: Schema.String, kind: ViolationKind })
export type Violation = typeof Violation.Type

/**
 * @since 0.1.0
 * @category models
 */
export interface ValidationResult {
  readonly passed: boolean
  readonly violations: ReadonlyArray<Violation>
}

/**
 * A violation in an envelope batch: `record_index` is the record's index in
 * the envelope's records array (0 for the wrapper's own violations).
 *
 * @since 0.1.0
 * @category models
 */
export interface EnvelopeRecordViolation extends Violation {
  readonly record_index: number
}

/**
 * The result of an envelope batch, in ContractGate's shape.
 *
 * @since 0.1.0
 * @category models
 */
export interface EnvelopeResult {
  readonly passed: number
  readonly quarantined: number
  readonly violations: ReadonlyArray<EnvelopeRecordViolation>
  readonly validation_us: number
}

/**
 * A contract compiled into a validator and a PII transform.
 *
 * @since 0.1.0
 * @category models
 */
export interface CompiledContract {
  readonly contract: Contract
  /** Every violation of one event, in the reference order; never throws. `now` (ms) is for freshness rules. */
  readonly validate: (event: unknown, now?: number) => ValidationResult
  /** Each event's result, plus batch uniqueness violations appended to later duplicates. */
  readonly validateBatch: (events: ReadonlyArray<unknown>, now?: number) => ReadonlyArray<ValidationResult>
  /** The event with PII transforms applied (and undeclared keys stripped in compliance mode), on a copy. */
  readonly transform: (event: unknown) => unknown
  /** Whether `transform` can change an event (false: it returns its input). */
  readonly transformsEvents: boolean
  /** For contracts with an `envelope` stanza: validates one envelope payload (wrapper and records). */
  readonly validateEnvelope: ((payload: unknown, now?: number) => EnvelopeResult) | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CompileOptions {
  /** The contract's PII salt (HMAC key for `hash`, seed of `format_preserving` masks); never returned. */
  readonly salt?: Redacted.Redacted<Uint8Array> | undefined
  /** `false`: validate only; `transform` returns events unchanged and no salt is needed. */
  readonly transforms?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ContractsShape {
  /** A contract from YAML text; errors say `file:line:column: json.path: what`. */
  readonly parse: (text: string, file: string) => Effect.Effect<Contract, ContractError>
  /** Compiles a contract; invalid patterns and transforms on non-string fields fail here. */
  readonly compile: (contract: Contract, options?: CompileOptions) => Effect.Effect<CompiledContract, ContractError>
}

/**
 * @since 0.1.0
 * @category services
 */
export class Contracts extends Context.Service<Contracts, ContractsShape>()("strata/Contracts") {}
