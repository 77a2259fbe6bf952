/**
 * A manifest in MSC's exact on-store form, written by hand the way MSC 1.0.1
 * writes one (`json.dumps` spacing, `\u` escapes, no final newline), plus the
 * lines MSC's docs show (`size_bytes` before `last_modified`, whole seconds).
 */
import { Effect } from "effect"
import type { StorageProviderShape } from "../../../src/services/StorageProvider.ts"

export const VERSION_OLD = "2024-09-06T14:55:29+00:00"
export const VERSION_NEW = "2024-10-01T10:21:42+00:00"

export const INDEX = `{"version": "1", "parts": [{"path": "parts/msc_manifest_part000001.jsonl"}], "format": "jsonl"}`

/** Lines exactly as MSC's ManifestMetadataProvider.commit_updates writes them. */
export const MSC_LINES = [
  `{"key": "train/cat-001.jpg", "last_modified": "2024-09-05T15:45:00.000000Z", "type": "file", "etag": "9b2cf535f27731c974343645a3985328", "physical_path": "train/cat-001.jpg", "size_bytes": 1048576}`,
  `{"key": "train/cat-002.jpg", "last_modified": "2024-09-05T15:46:00.250000Z", "type": "file", "content_type": "image/jpeg", "metadata": {"label": "cat", "score": 0.5}, "physical_path": "blobs/7f3a", "size_bytes": 2097152}`,
  `{"key": "train/latest.jpg", "last_modified": "2024-09-05T15:47:00.000000Z", "type": "file", "symlink_target": "cat-002.jpg", "physical_path": "train/latest.jpg", "size_bytes": 0}`,
  `{"key": "val/caf\\u00e9.jpg", "last_modified": "2024-09-05T15:48:00.000000Z", "type": "file", "storage_class": "STANDARD", "physical_path": "val/caf\\u00e9.jpg", "size_bytes": 3}`
]

/** A part as MSC's docs show one: fewer fields, another order, times without fraction. */
export const DOC_PART = [
  `{"key": "train/cat-pic001.jpg", "size_bytes": 1048576, "last_modified": "2024-09-05T15:45:00Z"}`,
  `{"key": "train/cat-pic002.jpg", "size_bytes": 2097152, "last_modified": "2024-09-05T15:46:00Z"}`,
  ""
].join("\n")

export const partKey = (version: string) => `.msc_manifests/${version}/parts/msc_manifest_part000001.jsonl`
export const indexKey = (version: string) => `.msc_manifests/${version}/msc_manifest_index.json`

const put = (storage: StorageProviderShape, key: string, content: string) =>
  storage.put(key, new TextEncoder().encode(content))

/**
 * Writes two manifest versions under `.msc_manifests` (the newer one is
 * MSC_LINES) and the physical objects the newer one names.
 */
export const writeFixture = (storage: StorageProviderShape) =>
  Effect.gen(function*() {
    yield* put(storage, indexKey(VERSION_OLD), INDEX)
    yield* put(storage, partKey(VERSION_OLD), DOC_PART)
    yield* put(storage, indexKey(VERSION_NEW), INDEX)
    yield* put(storage, partKey(VERSION_NEW), MSC_LINES.join("\n"))
    yield* put(storage, "train/cat-001.jpg", "cat one")
    yield* put(storage, "blobs/7f3a", "cat two, stored elsewhere")
    yield* put(storage, "val/café.jpg", "val")
    // In the store but not in the manifest: invisible through it.
    yield* put(storage, "train/untracked.jpg", "not in the manifest")
  })
