// RecordBatch: a run of consecutive records of one file, copied out of the reader's reused
// record so they can be decoded and checked on another thread while the reader goes on. A
// batch's boundaries are the reader's own record boundaries, so quoting can never split a
// record and every record keeps the exact physical line the reader counted. Field bytes lie in
// one buffer as the record holds them (each field followed by one byte of no meaning), with one
// end offset per field and one (first field, line) pair per record; a batch is emptied and
// refilled, so steady-state reading allocates nothing.

/// Consecutive records of one file, each with its start line.
///
/// One thread uses a batch at a time (the queue hands it over), so its properties skip the
/// runtime exclusivity check.
public final class RecordBatch: @unchecked Sendable {
  @exclusivity(unchecked) private var bytes: UnsafeMutablePointer<UInt8>
  @exclusivity(unchecked) private var byteCapacity: Int
  @exclusivity(unchecked) private var byteCount = 0
  /// `ends[i]`: offset in `bytes` just past field `i` of the batch (fields of all records);
  /// field `i + 1` starts one byte later.
  @exclusivity(unchecked) private var ends: UnsafeMutablePointer<Int>
  @exclusivity(unchecked) private var endCapacity: Int
  @exclusivity(unchecked) private var endCount = 0
  /// Per record: the index in `ends` of its first field, then its line.
  @exclusivity(unchecked) private var records: [(firstField: Int, line: Int)] = []

  public init(byteCapacity: Int = 1 << 16) {
    self.byteCapacity = max(64, byteCapacity)
    bytes = .allocate(capacity: self.byteCapacity)
    endCapacity = 1024
    ends = .allocate(capacity: endCapacity)
  }

  deinit {
    bytes.deallocate()
    ends.deallocate()
  }

  /// Records in the batch.
  public var count: Int { records.count }

  /// Bytes of field text held (to decide when a batch is full).
  public var byteSize: Int { byteCount }

  /// Empties the batch, keeping its buffers.
  public func removeAll() {
    byteCount = 0
    endCount = 0
    records.removeAll(keepingCapacity: true)
  }

  /// Copies the reader's current record to the end of the batch.
  public func append(_ record: CSVRecord) {
    let storage = record.storage.pointee
    if byteCount + storage.byteCount > byteCapacity {
      grow(&bytes, capacity: &byteCapacity, used: byteCount, needed: byteCount + storage.byteCount)
    }
    if endCount + storage.fieldCount > endCapacity {
      grow(&ends, capacity: &endCapacity, used: endCount, needed: endCount + storage.fieldCount)
    }
    (bytes + byteCount).update(from: storage.bytes, count: storage.byteCount)
    for i in 0..<storage.fieldCount { ends[endCount + i] = byteCount + storage.ends[i] }
    records.append((endCount, storage.line))
    byteCount += storage.byteCount
    endCount += storage.fieldCount
  }

  /// Record `index` (`0 ..< count`); valid until the batch is emptied.
  public subscript(index: Int) -> BatchRecord {
    let record = records[index]
    let end = index + 1 < records.count ? records[index + 1].firstField : endCount
    return BatchRecord(
      bytes: bytes, ends: ends, firstField: record.firstField, count: end - record.firstField,
      line: record.line)
  }

  private func grow<T>(
    _ pointer: inout UnsafeMutablePointer<T>, capacity: inout Int, used: Int, needed: Int
  ) {
    let bigger = UnsafeMutablePointer<T>.allocate(capacity: max(needed, 2 * capacity))
    bigger.moveInitialize(from: pointer, count: used)
    pointer.deallocate()
    pointer = bigger
    capacity = max(needed, 2 * capacity)
  }
}

/// One record of a RecordBatch: its physical start line and its fields as UTF-8 bytes.
public struct BatchRecord {
  @usableFromInline let bytes: UnsafeMutablePointer<UInt8>
  @usableFromInline let ends: UnsafeMutablePointer<Int>
  @usableFromInline let firstField: Int
  /// The number of fields (a record that does not match the header is kept as it is).
  public let count: Int
  /// The physical line (1-based) of the file where the record starts.
  public let line: Int

  /// The unescaped UTF-8 bytes of field `index` (`0 ..< count`), valid until the batch is
  /// emptied. Inlinable, so that decoding a cell in another module is a load, not a call.
  @inlinable
  public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
    precondition(index >= 0 && index < count, "field index out of range")
    let f = firstField + index
    let start = f == 0 ? 0 : ends[f - 1] &+ 1
    return UnsafeBufferPointer(start: bytes + start, count: ends[f] - start)
  }

  /// Field `index` (`0 ..< count`) as a string.
  public func string(_ index: Int) -> String {
    String(decoding: field(index), as: UTF8.self)
  }
}
