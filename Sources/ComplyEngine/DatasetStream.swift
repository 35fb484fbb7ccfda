// DatasetStream: reads a dataset's files once and spreads the rows over workers. The calling
// thread parses CSV (the cheap part: see docs/ARCHITECTURE.md) and copies records into
// RecordBatches of consecutive rows; with more than one worker, each worker runs on its own
// thread and takes whole batches from a bounded queue, so a worker decodes and checks its rows
// while the reader goes on. Batches end at the reader's record boundaries, never inside a
// quoted field, and carry each record's exact line; a batch holds rows of one file. With one
// worker everything runs on the calling thread, in order. Memory is bounded by the batches in
// flight (twice the workers, plus one being filled), whatever the file sizes. The reader also
// hashes each file's bytes for the report's provenance.

import ComplyCSV
import ComplyCore
import ComplyExpr
import ComplyRules
import Foundation

/// A batch of one file's records, with what a worker needs to decode them.
struct FileBatch {
  let records: RecordBatch
  let decoder: RowDecoder
  let file: String
  let fileIndex: Int
}

/// Rows a worker decoded from consecutive records of one batch, in reading order. A worker
/// hands its rules a window at a time, and each rule goes through the whole window before the
/// next: its closures and tables stay in cache, and it can start loading the memory all the
/// window's rows will probe (group slots, set members) before it probes any of it.
struct RowWindow {
  static let capacity = 32

  /// The rows, which the worker keeps alive: held unmanaged, so reading one retains nothing.
  let rows: UnsafeBufferPointer<Unmanaged<ParsedRow>>

  var count: Int { rows.count }

  /// `body` applied to row `k`.
  @inline(__always)
  func withRow<R>(_ k: Int, _ body: (ParsedRow) -> R) -> R {
    rows[k]._withUnsafeGuaranteedRef(body)
  }

  /// Calls `body` with windows of `rows` in order (rows made outside a worker: examples, tests).
  static func over(_ rows: [ParsedRow], _ body: (RowWindow) -> Void) {
    let unmanaged = rows.map(Unmanaged.passUnretained)
    withExtendedLifetime(rows) {
      unmanaged.withUnsafeBufferPointer { all in
        for start in stride(from: 0, to: all.count, by: capacity) {
          body(RowWindow(rows: UnsafeBufferPointer(rebasing: all[start..<min(all.count, start + capacity)])))
        }
      }
    }
  }

  /// Row `k` as a frame borrows it (EvalFrame.lendRow).
  @inline(__always)
  func values(_ k: Int) -> Unmanaged<RowValues> {
    .fromOpaque(rows[k].toOpaque())
  }
}

/// One worker's share of a dataset: it decodes the rows of the batches it is given and hands
/// them to `consume` a window at a time.
final class DatasetWorker: @unchecked Sendable {
  let findings = FindingCollector()
  /// Well-formed rows per file index.
  @exclusivity(unchecked) private(set) var rows: [Int]
  /// The window's rows, reused for every window, and the same unmanaged.
  private let window: [ParsedRow]
  private let windowRows: UnsafeMutableBufferPointer<Unmanaged<ParsedRow>>
  @exclusivity(unchecked) private var serial = 0
  private let consume: (RowWindow) -> Void

  init(columnCount: Int, fileCount: Int, consume: @escaping (RowWindow) -> Void) {
    window = (0..<RowWindow.capacity).map { _ in ParsedRow(columnCount: columnCount) }
    windowRows = .allocate(capacity: RowWindow.capacity)
    _ = windowRows.initialize(from: window.map(Unmanaged.passUnretained))
    rows = Array(repeating: 0, count: fileCount)
    self.consume = consume
  }

  deinit {
    windowRows.deallocate()
  }

  /// Well-formed rows per file index, over all the workers of a dataset.
  static func rowsPerFile(_ workers: [DatasetWorker]) -> [Int] {
    var rows = workers[0].rows
    for worker in workers.dropFirst() { for (i, n) in worker.rows.enumerated() { rows[i] += n } }
    return rows
  }

  /// Checks the batch's rows. The rows' text cells point into the batch: a window never
  /// outlives its batch, and the next record decoded into a row sets every cell.
  func process(_ batch: FileBatch) {
    for row in window {
      row.file = batch.file
      row.fileIndex = batch.fileIndex
    }
    var filled = 0
    var wellFormed = 0
    for k in 0..<batch.records.count {
      let decoded = windowRows[filled]._withUnsafeGuaranteedRef { row in
        guard batch.decoder.decode(batch.records[k], into: row, findings: findings) else { return false }
        row.serial = serial
        return true
      }
      guard decoded else { continue }
      serial &+= 1
      wellFormed += 1
      filled += 1
      if filled == RowWindow.capacity {
        consume(RowWindow(rows: UnsafeBufferPointer(windowRows)))
        filled = 0
      }
    }
    if filled > 0 { consume(RowWindow(rows: UnsafeBufferPointer(rebasing: windowRows[..<filled]))) }
    rows[batch.fileIndex] += wellFormed
  }
}

enum DatasetStream {
  /// Records per batch: large enough that handing a batch over costs nothing per row, small
  /// enough that both workers start at once and the batches in flight stay a few MB.
  static let batchRows = 4096

  /// Reads `inputs` (one dataset's files, in order) and gives every batch to one of `workers`;
  /// returns each file's SHA-256 (hex), computed from the bytes as they were read. Throws
  /// what the reader throws (unreadable file, missing column, open quote), after the workers
  /// have stopped.
  static func run(
    _ inputs: [Engine.InputFile], spec: DatasetSpec, workers: [DatasetWorker],
    progress: inout ProgressCounter, batchRows: Int = batchRows
  ) throws(ComplyError) -> [String] {
    precondition(!workers.isEmpty, "a dataset needs a worker")
    guard workers.count > 1 else {
      return try read(inputs, spec: spec, progress: &progress, batchRows: batchRows, recycled: { RecordBatch() }) {
        workers[0].process($0)
        return $0.records
      }
    }
    let queue = BatchQueue(batches: 2 * workers.count + 1)
    let finished = DispatchGroup()
    for worker in workers {
      finished.enter()
      let thread = Thread {
        while let batch = queue.take() {
          worker.process(batch)
          queue.recycle(batch.records)
        }
        finished.leave()
      }
      thread.stackSize = 8 << 20
      thread.start()
    }
    defer {
      queue.close()
      finished.wait()
    }
    return try read(inputs, spec: spec, progress: &progress, batchRows: batchRows, recycled: queue.emptyBatch) {
      queue.put($0)
      return nil
    }
  }

  /// Parses the files into batches and passes each to `hand`, which returns the batch's
  /// records to refill when it is done with them, or nil when it keeps them (then `recycled`
  /// supplies the next empty batch).
  private static func read(
    _ inputs: [Engine.InputFile], spec: DatasetSpec, progress: inout ProgressCounter, batchRows: Int,
    recycled: () -> RecordBatch, hand: (FileBatch) -> RecordBatch?
  ) throws(ComplyError) -> [String] {
    var records = recycled()
    var digests: [String] = []
    for (fileIndex, input) in inputs.enumerated() {
      // The provenance's digest, from the bytes the reader reads anyway: no second pass.
      let hasher = FileHasher()
      let reader = try CSVReader(
        path: input.path, displayPath: input.display, options: input.options, observe: hasher.update)
      let decoder = try RowDecoder(
        dataset: spec, header: reader.header, headerLine: reader.headerLine, file: input.display)
      var lastBytes = 0
      var rows = 0
      func flush() {
        guard records.count > 0 else { return }
        let batch = FileBatch(records: records, decoder: decoder, file: input.display, fileIndex: fileIndex)
        records = hand(batch) ?? recycled()
        records.removeAll()
      }
      while try reader.next() {
        records.append(reader.record)
        rows += 1
        if records.count == batchRows { flush() }
        if reader.bytesRead - lastBytes >= 1 << 20 {
          progress.advance(reader.bytesRead - lastBytes, rows: rows)
          lastBytes = reader.bytesRead
          rows = 0
        }
      }
      flush()
      progress.advance(reader.bytesRead - lastBytes, rows: rows)
      digests.append(hasher.hex())
    }
    return digests
  }
}

/// The batches between the reader and the workers: a FIFO of full batches and a pool of empty
/// ones. `emptyBatch` blocks while every batch is in use, which bounds the memory in flight.
final class BatchQueue: @unchecked Sendable {
  private let condition = NSCondition()
  private var full: [FileBatch] = []
  private var head = 0
  private var empty: [RecordBatch]
  private var closed = false

  init(batches: Int) {
    empty = (0..<batches).map { _ in RecordBatch() }
  }

  func put(_ batch: FileBatch) {
    condition.lock()
    full.append(batch)
    // The reader may be waiting on the same condition (for an empty batch): wake everyone.
    condition.broadcast()
    condition.unlock()
  }

  /// The next full batch; nil once the queue is closed and drained.
  func take() -> FileBatch? {
    condition.lock()
    defer { condition.unlock() }
    while head == full.count && !closed { condition.wait() }
    guard head < full.count else { return nil }
    let batch = full[head]
    head += 1
    if head == full.count {
      full.removeAll(keepingCapacity: true)
      head = 0
    }
    return batch
  }

  func recycle(_ records: RecordBatch) {
    condition.lock()
    empty.append(records)
    condition.broadcast()
    condition.unlock()
  }

  func emptyBatch() -> RecordBatch {
    condition.lock()
    defer { condition.unlock() }
    while empty.isEmpty { condition.wait() }
    return empty.removeLast()
  }

  /// No more batches will come: workers drain the queue and stop.
  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }
}
