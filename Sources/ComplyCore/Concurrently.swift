// Concurrently: the one way comply runs independent iterations on all cores (Dispatch's
// concurrentPerform), for callers whose iterations touch disjoint state: merging and judging
// rules, judging slices of groups, looking keys up, writing and building report slices.
//
// Loops must not nest: Dispatch gives a concurrentPerform inside another one thread (its width
// is divided by the outer loop's), so a rule's parallel key lookups and judging inside the loop
// over rules ran on one core while the other idled (~2 s of a 10M-row run's tail, perf).
// Work made of dependent stages is written as `Step`s instead: `run` takes every job's first
// step as one flat loop, then every job's second, and so on.

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

extension Concurrently {
  /// One stage of a job: `count()` independent calls of `body`, counted when the stage begins
  /// (after the job's earlier steps have finished).
  public struct Step {
    let count: () -> Int
    let body: (Int) -> Void

    public init(count: @escaping () -> Int, _ body: @escaping (Int) -> Void) {
      self.count = count
      self.body = body
    }

    /// A step of one call.
    public static func once(_ body: @escaping () -> Void) -> Step {
      Step(count: { 1 }) { _ in body() }
    }
  }

  /// Runs the steps of `jobs`: the calls of every job's first step as one loop (on all cores
  /// when `onAllCores`), then those of every job's second step, and so on. A job's steps thus
  /// run in order, and calls of different jobs' steps share the cores.
  public static func run(_ jobs: [[Step]], onAllCores: Bool) {
    for s in 0..<(jobs.map(\.count).max() ?? 0) {
      var calls: [(body: (Int) -> Void, item: Int)] = []
      for job in jobs where s < job.count {
        calls += (0..<job[s].count()).map { (job[s].body, $0) }
      }
      if onAllCores {
        forEach(calls.count) { calls[$0].body(calls[$0].item) }
      } else {
        for call in calls { call.body(call.item) }
      }
    }
  }
}

/// A closure handed to other threads by a caller that keeps their work apart.
private final class SharedBody: @unchecked Sendable {
  let call: (Int) -> Void
  init(_ call: @escaping (Int) -> Void) { self.call = call }
}
