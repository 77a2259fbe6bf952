import { assert, describe, it } from "@effect/vitest"
import { fsError, isTempName, tempName } from "../../../src/providers/storage/posixFs.ts"
import { StorageError } from "../../../src/services/StorageProvider.ts"

const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code })

describe("posix provider: errno mapping", () => {
  it("maps errno codes to reasons, naming the key", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["ENOENT", "NotFound"],
      ["ENOTDIR", "NotFound"],
      ["EISDIR", "NotFound"],
      ["EACCES", "PermissionDenied"],
      ["EPERM", "PermissionDenied"],
      ["EROFS", "PermissionDenied"],
      ["EEXIST", "AlreadyExists"],
      ["ENAMETOOLONG", "InvalidPath"],
      ["ELOOP", "InvalidPath"],
      ["ENOSPC", "Unavailable"],
      ["EIO", "Unavailable"],
      ["EMFILE", "Unavailable"],
      ["EAGAIN", "Unavailable"],
      ["EBUSY", "Unavailable"],
      ["EWHATEVER", "Unavailable"]
    ]
    for (const [code, reason] of cases) {
      const error = fsError(errno(code), "put", "a/b.txt", "/base/a/b.txt")
      assert.strictEqual(error.reason, reason, code)
      assert.include(error.message, "'a/b.txt'", code)
      assert.strictEqual(error.key, "a/b.txt")
      assert.strictEqual(error.operation, "put")
      assert.isTrue(error.message.endsWith("."), `${code}: one sentence`)
    }
    assert.include(fsError(errno("ENOSPC"), "put", "k", "/base/k").message, "no space left")
    assert.isTrue(fsError(errno("EAGAIN"), "getBytes", "k", "/base/k").retryable)
  })

  it("keeps StorageErrors and describes errors without a code", () => {
    const original = new StorageError({ reason: "InvalidRange", message: "Out of range." })
    assert.strictEqual(fsError(original, "read", "k", "/k"), original)
    const odd = fsError(new Error("strange"), "read", "k", "/k")
    assert.strictEqual(odd.reason, "Unavailable")
    assert.include(odd.message, "strange")
  })

  it("recognises its own temporary names only", () => {
    const name = tempName("report.csv")
    assert.isTrue(name.startsWith(".report.csv.strata-tmp-"))
    assert.isTrue(isTempName(name))
    assert.notStrictEqual(tempName("report.csv"), name)
    assert.isTrue(tempName("x".repeat(300)).length < 80, "long names are cut short")
    for (const other of ["report.csv", ".hidden", ".x.strata-tmp-", "x.strata-tmp-1", ".x.strata-tmp-A_B"]) {
      assert.isFalse(isTempName(other), other)
    }
  })
})
