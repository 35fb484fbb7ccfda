// DatasetStream: reads a dataset's files once and spreads the rows over workers. Rows are
// parsed into RecordBatches of consecutive records of one file, which end at the reader's
// record boundaries (never inside a quoted field) and carry each record's exact line; a worker
// decodes a batch's rows and hands them to its rules a window at a time. With one worker
// everything runs on the calling thread, in order. With several, a dataset of many similar
// files (a county's schools) gives each worker whole files in reading order: each thread reads,
// decodes and checks its own files. Otherwise the calling thread reads and hands batches to
// worker threads through a bounded queue. Memory is bounded by the batches in flight, whatever
// the file sizes. Whoever reads a file hashes its bytes for the report's provenance.
//
// Whole files, measured against batches for all at 10M fee rows (350 files), two workers,
// alternating pairs on a loaded host: 23.7 / 24.6 → 22.5 / 22.4 user+sys s, peak RSS 1.63 →
// 1.39 GB (a school's students no longer have groups in both workers' tables); at 1M rows,
// five pairs, median task-clock 2.36 → 2.26 s.

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
  /// have stopped: with several workers, the error of the first file in `inputs` order that
  /// has one, as one worker would.
  static func run(
    _ inputs: [Engine.InputFile], spec: DatasetSpec, workers: [DatasetWorker],
    progress: inout ProgressCounter, batchRows: Int = batchRows
  ) throws(ComplyError) -> [String] {
    precondition(!workers.isEmpty, "a dataset needs a worker")
    guard workers.count > 1 else {
      let records = RecordBatch()
      var digests: [String] = []
      for (fileIndex, input) in inputs.enumerated() {
        digests.append(
          try read(input, fileIndex: fileIndex, spec: spec, batchRows: batchRows,
            advance: { progress.advance($0, rows: $1) }, records: records) {
            workers[0].process($0)
            return $0.records
          })
      }
      return digests
    }
    if handsOutWholeFiles(sizes: inputs.map(\.size), workers: workers.count) {
      return try runByFile(inputs, spec: spec, workers: workers, progress: &progress, batchRows: batchRows)
    }
    let queue = BatchQueue(batches: 2 * workers.count + 1)
    let finished = DispatchGroup()
    for worker in workers {
      finished.enter()
      startThread {
        while let batch = queue.take() {
          worker.process(batch)
          queue.recycle(batch.records)
        }
        finished.leave()
      }
    }
    defer {
      queue.close()
      finished.wait()
    }
    var records = queue.emptyBatch()
    var digests: [String] = []
    for (fileIndex, input) in inputs.enumerated() {
      digests.append(
        try read(input, fileIndex: fileIndex, spec: spec, batchRows: batchRows,
          advance: { progress.advance($0, rows: $1) }, records: records) {
          queue.put($0)
          records = queue.emptyBatch()
          return records
        })
    }
    queue.recycle(records)
    return digests
  }

  /// Whether a dataset's files are many and small enough to give each to one worker whole
  /// rather than cut them into batches for all: at least four per worker, none more than a
  /// `4 × workers`-th of the bytes, so that while one worker reads the last file the others
  /// wait a short while at most.
  static func handsOutWholeFiles(sizes: [Int], workers: Int) -> Bool {
    let total = sizes.reduce(0, +)
    return sizes.count >= 4 * workers && (sizes.max() ?? 0) * 4 * workers <= total
  }

  /// Every worker on its own thread reads whole files and checks their rows itself: no reader
  /// thread shares the cores, no batch moves between cores, and the groups of one file (a
  /// school's students and classes) stay in one worker's tables. Files are handed out in
  /// reading order, so each worker meets its rows in reading order, as a group's first row
  /// and kept lines require.
  private static func runByFile(
    _ inputs: [Engine.InputFile], spec: DatasetSpec, workers: [DatasetWorker],
    progress: inout ProgressCounter, batchRows: Int
  ) throws(ComplyError) -> [String] {
    let files = FileQueue(count: inputs.count, progress: progress)
    let finished = DispatchGroup()
    for worker in workers {
      finished.enter()
      startThread {
        let records = RecordBatch()
        while let i = files.take() {
          files.finish(
            i,
            Result { () throws(ComplyError) in
              try read(inputs[i], fileIndex: i, spec: spec, batchRows: batchRows,
                advance: files.advance, records: records) {
                worker.process($0)
                return $0.records
              }
            })
        }
        finished.leave()
      }
    }
    finished.wait()
    progress = files.progress
    return try files.digests()
  }

  private static func startThread(_ body: @escaping @Sendable () -> Void) {
    let thread = Thread(block: body)
    thread.stackSize = 8 << 20
    thread.start()
  }

  /// Parses one file into batches of `batchRows` records, filling `records` first, and passes
  /// each to `hand`, which returns the records to fill next (the same batch when it is done
  /// with it, or an empty one). Returns the file's SHA-256, from the bytes the reader reads
  /// anyway: no second pass.
  private static func read(
    _ input: Engine.InputFile, fileIndex: Int, spec: DatasetSpec, batchRows: Int,
    advance: (_ bytes: Int, _ rows: Int) -> Void, records: RecordBatch, hand: (FileBatch) -> RecordBatch
  ) throws(ComplyError) -> String {
    let hasher = FileHasher()
    let reader = try CSVReader(
      path: input.path, displayPath: input.display, options: input.options, observe: hasher.update)
    let decoder = try RowDecoder(
      dataset: spec, header: reader.header, headerLine: reader.headerLine, file: input.display)
    var records = records
    records.removeAll()
    var lastBytes = 0
    var rows = 0
    func flush() {
      guard records.count > 0 else { return }
      records = hand(FileBatch(records: records, decoder: decoder, file: input.display, fileIndex: fileIndex))
      records.removeAll()
    }
    while try reader.next() {
      records.append(reader.record)
      rows += 1
      if records.count == batchRows { flush() }
      if reader.bytesRead - lastBytes >= 1 << 20 {
        advance(reader.bytesRead - lastBytes, rows)
        lastBytes = reader.bytesRead
        rows = 0
      }
    }
    flush()
    advance(reader.bytesRead - lastBytes, rows)
    return hasher.hex()
  }
}

/// The files of a dataset handed out whole to workers in reading order
/// (`DatasetStream.runByFile`), what came of each, and the progress of all. Once a file fails
/// no more are handed out: every file before it has been, so the error thrown is the one a
/// single reader would meet first.
final class FileQueue: @unchecked Sendable {
  private let lock = NSLock()
  private let count: Int
  private var next = 0
  private var failed = false
  private var outcomes: [Int: Result<String, ComplyError>] = [:]
  private(set) var progress: ProgressCounter

  init(count: Int, progress: ProgressCounter) {
    self.count = count
    self.progress = progress
  }

  /// The index of the next file to read; nil when none is left.
  func take() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard next < count, !failed else { return nil }
    next += 1
    return next - 1
  }

  func finish(_ file: Int, _ outcome: Result<String, ComplyError>) {
    lock.lock()
    defer { lock.unlock() }
    outcomes[file] = outcome
    if case .failure = outcome { failed = true }
  }

  func advance(_ bytes: Int, _ rows: Int) {
    lock.lock()
    defer { lock.unlock() }
    progress.advance(bytes, rows: rows)
  }

  /// Every file's digest in reading order, or the first file's error.
  func digests() throws(ComplyError) -> [String] {
    try outcomes.keys.sorted().map { (i: Int) throws(ComplyError) in try outcomes[i]!.get() }
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
