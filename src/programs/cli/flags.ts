/**
 * Flags several commands share, spelled the same everywhere.
 *
 * @since 0.1.0
 */
import { Flag } from "effect/cli"

/**
 * `-r, --recursive`, described for the command at hand.
 *
 * @since 0.1.0
 * @category flags
 */
export const recursiveFlag = (description: string) =>
  Flag.Boolean("recursive").pipe(Flag.withAlias("r"), Flag.withDescription(description), Flag.withDefault(false))
