// Concurrently: the one way comply runs independent iterations on all cores (Dispatch's
// concurrentPerform), for callers whose iterations touch disjoint state: merging and judging
// rules, judging slices of groups, looking keys up, writing and building report slices.
//
// Loops must not nest: Dispatch gives a concurrentPerform inside another one thread (its width
// is divided by the outer loop's), so a rule's parallel key lookups and judging inside the loop
// over rules ran on one core while the other idled (~2 s of a 10M-row run's tail, perf).
// Work made of dependent stages is written as `Step`s instead, and `run` hands out the calls
// of all jobs' current steps to one loop of workers: a job's next step starts as soon as its
// own step is done, not when every job's is. Waiting for all jobs' step left a core idle while
// one rule folded its matched groups (0.45 of 0.75 s of that step in a 10M-row run, perf).

import Dispatch
internal import Foundation

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

  /// Runs the steps of `jobs`, each job's in order: a step's calls run at once (on all
  /// cores when `onAllCores`, alongside other jobs' calls) and the job's next step begins
  /// when they have all returned. A step's `count` is called under a lock: keep it cheap.
  public static func run(_ jobs: [[Step]], onAllCores: Bool) {
    guard onAllCores else {
      for job in jobs {
        for step in job { for k in 0..<step.count() { step.body(k) } }
      }
      return
    }
    let scheduler = StepScheduler(jobs)
    forEach(ProcessInfo.processInfo.activeProcessorCount) { _ in scheduler.work() }
  }
}

/// Hands out the calls of the jobs' current steps to the threads that ask, and starts a job's
/// next step when the last call of its current one returns.
private final class StepScheduler: @unchecked Sendable {
  private struct Progress {
    var step = -1
    var count = 0
    var handedOut = 0
    var finished = 0
  }

  private let jobs: [[Concurrently.Step]]
  private var progress: [Progress]
  private var unfinishedJobs: Int
  private let condition = NSCondition()

  init(_ jobs: [[Concurrently.Step]]) {
    self.jobs = jobs
    progress = Array(repeating: Progress(), count: jobs.count)
    unfinishedJobs = jobs.count
    for j in jobs.indices { advance(j) }
  }

  /// Runs calls until every job has finished.
  func work() {
    condition.lock()
    while unfinishedJobs > 0 {
      guard let j = progress.indices.first(where: { progress[$0].handedOut < progress[$0].count }) else {
        condition.wait()
        continue
      }
      let (step, k) = (jobs[j][progress[j].step], progress[j].handedOut)
      progress[j].handedOut += 1
      condition.unlock()
      step.body(k)
      condition.lock()
      progress[j].finished += 1
      if progress[j].finished == progress[j].count {
        advance(j)
        condition.broadcast()
      }
    }
    condition.unlock()
  }

  /// Starts job `j`'s next step that has calls, or counts the job finished.
  private func advance(_ j: Int) {
    repeat {
      progress[j] = Progress(step: progress[j].step + 1)
      guard progress[j].step < jobs[j].count else {
        unfinishedJobs -= 1
        return
      }
      progress[j].count = jobs[j][progress[j].step].count()
    } while progress[j].count == 0
  }
}

/// A closure handed to other threads by a caller that keeps their work apart.
private final class SharedBody: @unchecked Sendable {
  let call: (Int) -> Void
  init(_ call: @escaping (Int) -> Void) { self.call = call }
}
