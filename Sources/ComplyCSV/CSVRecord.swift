// CSVRecord: the one record a CSVReader fills again and again. Its fields live unescaped in a
// single reused byte buffer, each followed by one byte of no meaning (where the reader's block
// scan left the delimiter), delimited by an array of end offsets, so reading a record allocates
// nothing once the buffers fit the widest record seen.

/// One record of a CSV file: its physical start line and its fields as UTF-8 bytes. The reader
/// overwrites it on every `next()`; copy out what must outlive the call.
public final class CSVRecord {
  /// The buffers, in a struct so the parser can hold them in locals while it scans. Behind a
  /// pointer (a `let`), so the hot path pays no dynamic exclusivity checks.
  let storage: UnsafeMutablePointer<RecordStorage>

  init() {
    storage = .allocate(capacity: 1)
    storage.initialize(to: RecordStorage())
  }

  deinit {
    storage.pointee.bytes.deallocate()
    storage.pointee.ends.deallocate()
    storage.deinitialize(count: 1)
    storage.deallocate()
  }

  /// The physical line (1-based) of the file where the record starts.
  public internal(set) var line: Int {
    get { storage.pointee.line }
    set { storage.pointee.line = newValue }
  }

  /// The number of fields (a record that does not match the header is returned as it is).
  public var count: Int { storage.pointee.fieldCount }

  /// Calls `body` with the unescaped UTF-8 bytes of field `index` (`0 ..< count`), in place.
  /// The pointer is valid only during the call.
  public func withField<R>(
    _ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
  ) rethrows -> R {
    let storage = self.storage.pointee
    precondition(index >= 0 && index < storage.fieldCount, "field index out of range")
    let start = storage.start(of: index)
    return try body(
      UnsafeBufferPointer(start: storage.bytes + start, count: storage.ends[index] - start))
  }

  /// Field `index` (`0 ..< count`) as a string.
  public func string(_ index: Int) -> String {
    withField(index) { String(decoding: $0, as: UTF8.self) }
  }

  /// Whether field `index` (`0 ..< count`) holds no bytes.
  public func isEmptyField(_ index: Int) -> Bool {
    let storage = self.storage.pointee
    precondition(index >= 0 && index < storage.fieldCount, "field index out of range")
    return storage.ends[index] == storage.start(of: index)
  }
}

/// A record's buffers: field bytes, each field followed by one byte of no meaning, and the offset
/// just past each field. The record owns (and frees) the memory; the parser works on a copy and
/// writes it back.
struct RecordStorage {
  var line = 0
  private(set) var bytes: UnsafeMutablePointer<UInt8>
  private(set) var byteCapacity: Int
  /// Bytes of `bytes` in use.
  var byteCount = 0
  /// `ends[i]` is the offset in `bytes` just past field `i`; field `i + 1` starts one byte later.
  private(set) var ends: UnsafeMutablePointer<Int>
  private(set) var endCapacity: Int
  /// Entries of `ends` in use.
  var fieldCount = 0

  init() {
    byteCapacity = 1024
    bytes = .allocate(capacity: byteCapacity)
    endCapacity = 64
    ends = .allocate(capacity: endCapacity)
  }

  /// Empties the record for the one starting at `line`.
  @inline(__always)
  mutating func start(line: Int) {
    self.line = line
    byteCount = 0
    fieldCount = 0
  }

  /// Makes room for `count` more bytes.
  @inline(__always)
  mutating func reserve(_ count: Int) {
    if byteCount &+ count > byteCapacity { growBytes(byteCount + count) }
  }

  @inline(__always)
  mutating func append(_ byte: UInt8) {
    reserve(1)
    bytes[byteCount] = byte
    byteCount &+= 1
  }

  /// Stores the 16 bytes of `block` at the end without counting them (a scanning loop then
  /// counts as many as it keeps), and makes room for 16 `endField(at:)` calls.
  @inline(__always)
  mutating func storeBlock(_ block: SIMD16<UInt8>) {
    reserve(16)
    if fieldCount &+ 16 > endCapacity { growEnds() }
    UnsafeMutableRawPointer(bytes + byteCount).storeBytes(of: block, as: SIMD16<UInt8>.self)
  }

  /// Ends the field in progress at the end, leaving the byte after it.
  @inline(__always)
  mutating func endField() {
    if fieldCount == endCapacity { growEnds() }
    reserve(1)
    ends[fieldCount] = byteCount
    fieldCount &+= 1
    byteCount &+= 1
  }

  /// Ends the field in progress at `offset` (at most `byteCount + 15`) of bytes a `storeBlock`
  /// stored; the byte at `offset` is the one after it. Room was made by `storeBlock`.
  @inline(__always)
  mutating func endField(at offset: Int) {
    ends[fieldCount] = offset
    fieldCount &+= 1
  }

  /// The offset where field `index` starts (for the field in progress, `fieldCount`).
  @inline(__always)
  func start(of index: Int) -> Int {
    index == 0 ? 0 : ends[index &- 1] &+ 1
  }

  /// Whether the field in progress has no bytes yet.
  var fieldIsEmpty: Bool { byteCount == start(of: fieldCount) }

  private mutating func growBytes(_ needed: Int) {
    let capacity = max(needed, 2 * byteCapacity)
    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    bigger.update(from: bytes, count: byteCount)
    bytes.deallocate()
    bytes = bigger
    byteCapacity = capacity
  }

  private mutating func growEnds() {
    let capacity = max(fieldCount + 16, 2 * endCapacity)
    let bigger = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    bigger.update(from: ends, count: fieldCount)
    ends.deallocate()
    ends = bigger
    endCapacity = capacity
  }
}
