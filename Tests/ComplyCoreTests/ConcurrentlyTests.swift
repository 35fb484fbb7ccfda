// Concurrently: every iteration runs once, map keeps the items' order across slices, and a
// job's steps run in order, each counted when it begins.

import ComplyCore
import Testing

struct ConcurrentlyTests {
  @Test(arguments: [1, 7, 4096])
  func mapKeepsOrder(slice: Int) {
    let items = Array(0..<10_003)
    #expect(Concurrently.map(items, slice: slice) { "\($0 * 3)" } == items.map { "\($0 * 3)" })
  }

  @Test func forEachRunsEveryIterationOnce() {
    let seen = UnsafeMutablePointer<Int>.allocate(capacity: 1000)
    seen.initialize(repeating: 0, count: 1000)
    defer { seen.deallocate() }
    Concurrently.forEach(1000) { seen[$0] += 1 }
    #expect(UnsafeBufferPointer(start: seen, count: 1000).allSatisfy { $0 == 1 })
  }

  /// Job j's first step fills j + 1 slots; its second step is as long as their sum, which is
  /// known only once the first step has finished; its last step counts the second's calls.
  @Test(arguments: [false, true])
  func stepsRunInOrderAndAreCountedWhenTheyBegin(onAllCores: Bool) {
    let jobs = 6
    let slots = UnsafeMutablePointer<Int>.allocate(capacity: jobs * jobs)
    let calls = UnsafeMutablePointer<Int>.allocate(capacity: jobs * 64)
    let totals = UnsafeMutablePointer<Int>.allocate(capacity: jobs)
    slots.initialize(repeating: 0, count: jobs * jobs)
    calls.initialize(repeating: 0, count: jobs * 64)
    totals.initialize(repeating: -1, count: jobs)
    defer { [slots, calls, totals].forEach { $0.deallocate() } }
    let steps = (0..<jobs).map { j -> [Concurrently.Step] in
      let fill = Concurrently.Step(count: { j + 1 }) { k in slots[j * jobs + k] = k + 1 }
      let second = Concurrently.Step(count: { (0..<jobs).reduce(0) { $0 + slots[j * jobs + $1] } }) { k in
        calls[j * 64 + k] = 1
      }
      let count = Concurrently.Step.once { totals[j] = (0..<64).reduce(0) { $0 + calls[j * 64 + $1] } }
      return [fill, second, count]
    }
    Concurrently.run(steps, onAllCores: onAllCores)
    #expect((0..<jobs).map { totals[$0] } == (0..<jobs).map { ($0 + 1) * ($0 + 2) / 2 })
  }
}
