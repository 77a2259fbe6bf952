/**
 * Path arithmetic of the POSIX provider, with no imports: shared by the
 * provider (`posixRoot.ts`) and its copy worker threads
 * (`posixCopyWorker.ts`), which load nothing heavier than `node:fs`.
 *
 * @since 0.1.0
 */

/**
 * The directory part of an absolute path ("/" for a file at the top).
 *
 * @since 0.1.0
 * @category paths
 */
export const dirOf = (path: string): string => {
  const slash = path.lastIndexOf("/")
  return slash <= 0 ? "/" : path.slice(0, slash)
}

/**
 * Whether the real path `real` lies inside (or is) the real base `realBase`.
 *
 * @since 0.1.0
 * @category paths
 */
export const isInside = (realBase: string, real: string): boolean =>
  realBase === "/" || real === realBase || (real.startsWith(realBase) && real.charCodeAt(realBase.length) === 47)
