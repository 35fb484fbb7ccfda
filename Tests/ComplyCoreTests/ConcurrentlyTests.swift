// Concurrently: every iteration runs once, and map keeps the items' order across slices.

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
}
