import { assert, describe, it } from "@effect/vitest"
import { CredentialsError } from "../../../src/services/Credentials.ts"
import { s3Error } from "../../../src/providers/storage/s3Errors.ts"

const context = { operation: "getBytes", key: "a/b.txt", bucket: "lake", profile: "prod" }
const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} from the SDK`), { name, ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }) })

describe("s3Error", () => {
  it("maps S3 error codes and statuses to reasons, with sentences naming the object or bucket", () => {
    const cases: ReadonlyArray<readonly [unknown, string, string]> = [
      [sdkError("NoSuchKey", 404), "NotFound", "No object at 'a/b.txt' (bucket 'lake')."],
      [sdkError("NoSuchBucket", 404), "NotFound", "The bucket 'lake' does not exist for profile 'prod'."],
      [sdkError("PreconditionFailed", 412), "PreconditionFailed", "does not match the expected etag"],
      [sdkError("304", 304), "NotModified", "still has the given etag"],
      [sdkError("InvalidRange", 416), "InvalidRange", "past the end of 'a/b.txt'"],
      [sdkError("InvalidAccessKeyId", 403), "PermissionDenied", "S3 denied getBytes of 'a/b.txt' (bucket 'lake') for profile 'prod' (InvalidAccessKeyId)"],
      [sdkError("SlowDown", 503), "Unavailable", "(SlowDown)"],
      [Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "Unavailable", "(ECONNREFUSED)"],
      [sdkError("NotImplemented", 501), "Unsupported", "(NotImplemented)"],
      [new Error("Region is missing"), "Unsupported", "No region is set for profile 'prod' (bucket 'lake'): set region_name"],
      [sdkError("CredentialsProviderError"), "PermissionDenied", "No credentials were found for profile 'prod'"],
      [new CredentialsError({ reason: "Expired", message: "The file 'x' expired." }), "PermissionDenied", "The credentials of profile 'prod' cannot be had"],
      [new CredentialsError({ reason: "Unavailable", message: "The service is down." }), "Unavailable", "The service is down."]
    ]
    for (const [cause, reason, phrase] of cases) {
      const error = s3Error(cause, context)
      assert.strictEqual(error.reason, reason, error.message)
      assert.include(error.message, phrase)
      assert.notInclude(error.message, "from the SDK", "the SDK's own message is not repeated")
      assert.isUndefined(error.profile, "the client sets the profile, with the URL")
    }
  })
})
