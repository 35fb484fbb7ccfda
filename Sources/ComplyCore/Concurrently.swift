// Concurrently: the one way comply runs independent iterations on all cores (Dispatch's
// concurrentPerform), for callers whose iterations touch disjoint state: merging and judging
// rules, judging slices of groups, looking keys up, writing and building report slices.

import Dispatch

public enum Concurrently {
  /// Calls `body` for `0 ..< count` on all cores and returns when every call has; the calls
  /// must touch disjoint state.
  public static func forEach(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
      let shared = SharedBody(body)
      DispatchQueue.concurrentPerform(iterations: count) { shared.call($0) }
    }
  }

  /// `transform` of every item, in order, computed in slices of `slice` items on all cores.
  public static func map<T, R>(_ items: [T], slice: Int = 4096, _ transform: (T) -> R) -> [R] {
    let count = (items.count + slice - 1) / slice
    guard count > 1 else { return items.map(transform) }
    let parts = UnsafeMutablePointer<[R]>.allocate(capacity: count)
    parts.initialize(repeating: [], count: count)
    defer {
      parts.deinitialize(count: count)
      parts.deallocate()
    }
    forEach(count) { k in
      parts[k] = items[k * slice..<min(items.count, (k + 1) * slice)].map(transform)
    }
    var out: [R] = []
    out.reserveCapacity(items.count)
    for k in 0..<count { out += parts[k] }
    return out
  }
}

/// A closure handed to other threads by a caller that keeps their work apart.
private final class SharedBody: @unchecked Sendable {
  let call: (Int) -> Void
  init(_ call: @escaping (Int) -> Void) { self.call = call }
}
