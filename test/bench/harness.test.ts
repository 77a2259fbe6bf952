import { describe, expect, it } from "@effect/vitest"
import { bootstrapRatio, compare, meanRate } from "../../bench/harness.ts"

describe("bench harness statistics", () => {
  it("meanRate is total operations over total time", () => {
    // 1 op at 100/s takes 10 ms, at 300/s 3.33 ms: 2 ops in 13.33 ms.
    expect(meanRate([100, 300])).toBeCloseTo(150, 9)
    expect(meanRate([42, 42, 42])).toBeCloseTo(42, 9)
  })

  it("bootstrapRatio brackets the ratio of total times, and is the same for the same samples", () => {
    const base = [100, 80, 120, 95, 105, 70, 130, 100]
    expect(bootstrapRatio(base, base)).toEqual([1, 1])
    const slower = base.map((rate) => rate * 0.9)
    const [low, high] = bootstrapRatio(slower, base)
    expect(low).toBeCloseTo(0.9, 9)
    expect(high).toBeCloseTo(0.9, 9)
    const noisy = base.map((rate, i) => rate * (i % 2 === 0 ? 0.8 : 1.05))
    const interval = bootstrapRatio(noisy, base)
    const ratio = meanRate(noisy) / meanRate(base)
    expect(interval[0]).toBeLessThan(ratio)
    expect(interval[1]).toBeGreaterThan(ratio)
    expect(bootstrapRatio(noisy, base)).toEqual(interval)
  })

  it("compare with statistic mean runs every side once per round, and the control as often", async () => {
    const runs = { ours: 0, base: 0 }
    const side = (name: keyof typeof runs) => ({
      prepare: async () => async () => {
        runs[name]++
      }
    })
    const result = await compare({
      name: "n",
      baseline: "b",
      ops: 1,
      repeats: 7,
      warmups: 1,
      statistic: "mean",
      control: true,
      collectBetween: false,
      ours: side("ours"),
      base: side("base")
    })
    expect(runs).toEqual({ ours: 8, base: 15 })
    expect(result.samples.ours).toHaveLength(7)
    expect(result.interval).toBeDefined()
    expect(result.control?.interval).toBeDefined()
  })
})
