// JSONWriter: JSON written as UTF-8 bytes in the report's layout (two-space indentation, one
// member or item per line, keys in the order written), and JSONValue, a JSON tree with ordered
// object keys that is written through it. Hand-written because the report is a contract read
// by people and diffs as much as by machines: keys must come out in the documented order, and
// Foundation's JSONSerialization orders dictionary keys arbitrarily (or sorted), never as
// written.
//
// A large report is never held as a tree or a String: its violations are written straight
// from the result into the writer (`JSONValue.items`), a long array in slices on all cores,
// each into its own pieces of memory, and the pieces are copied into the report's one array on
// all cores. The 10M-row benchmark's report (143k violations, 99 MB) took 650-700 perf samples
// (-F 999) when each violation was made a JSONValue and appended to a `[UInt8]` (a third of
// them one thread joining and growing the 100 MB), and takes 270-310: most of what is left
// is the first touch of each violation's Strings, which were made while the rules ran.

import ComplyCore

/// Writes JSON values, objects and arrays one piece at a time into UTF-8 bytes: objects one
/// member per line and arrays one item per line, indented two spaces a level; arrays of
/// integers on one line.
///
/// The bytes go into pieces of memory that never move (up to 1 MiB each), copied into one
/// array by `finish`: a long array's slices are written into their own writers on several
/// threads and their pieces taken over as they are. Appending to a `[UInt8]` went through its
/// generic `append(contentsOf:)`, a uniqueness and capacity check and a sequence copy for every
/// few bytes, and a growing array copied what it held: writing the 10M-row report's violations
/// took 473 perf samples that way and 269-307 in pieces.
public struct JSONWriter: ~Copyable {
  /// Finished pieces, in order, each its written bytes at the start of its own allocation.
  private var pieces: [UnsafeMutableBufferPointer<UInt8>] = []
  /// The piece being written: `used` of its `capacity` bytes; nil (and no capacity) before
  /// its first byte.
  private var piece: UnsafeMutablePointer<UInt8>?
  private var used = 0
  private var capacity = 0
  /// The size of the next piece: twice the last, up to `maxPieceSize`.
  private var nextCapacity = Self.firstPieceSize
  /// The indentation level of what is written next inside the innermost open object or array.
  private var level: Int
  /// For each open object or array, innermost last: whether it has a member or item yet.
  private var open: [Bool] = []

  /// Arrays this long (the violations of a large run) are written in slices on all cores.
  static let parallelItems = 8192
  static let firstPieceSize = 4096
  static let maxPieceSize = 1 << 20

  /// A writer whose first value is indented `level` levels (its first line is not).
  public init(level: Int = 0) {
    self.level = level
  }

  /// A writer for a slice of an open array's items at `level`, after `hasItems` others.
  private init(itemsAt level: Int, hasItems: Bool) {
    self.level = level
    open = [hasItems]
  }

  deinit {
    for p in pieces { p.deallocate() }
    piece?.deallocate()
  }

  /// The text written, in one array. Pieces are copied in on all cores when there are many
  /// (one thread copying a 100 MB report into a growing array took ~0.15 s of a 10M-row run,
  /// perf), and each is freed by the thread that copied it.
  public consuming func finish() -> [UInt8] {
    var pieces = takePieces()
    let total = pieces.reduce(0) { $0 + $1.count }
    var starts: [Int] = []
    var start = 0
    for p in pieces {
      starts.append(start)
      start += p.count
    }
    return [UInt8](unsafeUninitializedCapacity: total) { text, count in
      pieces.withUnsafeMutableBufferPointer { pieces in
        func copy(_ k: Int) {
          if let from = pieces[k].baseAddress, let to = text.baseAddress, !pieces[k].isEmpty {
            (to + starts[k]).initialize(from: from, count: pieces[k].count)
          }
          pieces[k].deallocate()
        }
        if total >= Self.maxPieceSize {
          Concurrently.forEach(pieces.count, copy)
        } else {
          for k in pieces.indices { copy(k) }
        }
      }
      count = total
    }
  }

  /// Hands the written pieces over to the caller, who frees them; the writer is left empty.
  private mutating func takePieces() -> [UnsafeMutableBufferPointer<UInt8>] {
    closePiece()
    defer { pieces = [] }
    return pieces
  }

  /// Ends the piece being written; the next byte starts a new one.
  private mutating func closePiece() {
    guard let piece else { return }
    pieces.append(UnsafeMutableBufferPointer(start: piece, count: used))
    self.piece = nil
    used = 0
    capacity = 0
  }

  /// Starts a piece with room for at least `size` bytes.
  private mutating func startPiece(atLeast size: Int) {
    closePiece()
    capacity = max(size, nextCapacity)
    nextCapacity = min(Self.maxPieceSize, 2 * nextCapacity)
    piece = .allocate(capacity: capacity)
  }

  // MARK: - Values

  public mutating func null() { raw("null") }

  public mutating func bool(_ b: Bool) { b ? raw("true") : raw("false") }

  public mutating func int(_ i: Int) {
    var text = String(i)
    text.withUTF8 { append($0) }
  }

  /// The int, or null.
  public mutating func int(_ i: Int?) {
    if let i { int(i) } else { null() }
  }

  public mutating func string(_ s: String) {
    let done: Void? = s.utf8.withContiguousStorageIfAvailable { quote($0) }
    guard done == nil else { return }
    var s = s
    s.withUTF8 { quote($0) }
  }

  /// The string, or null.
  public mutating func string(_ s: String?) {
    if let s { string(s) } else { null() }
  }

  /// An array of integers, on one line: `[1, 2, 3]`.
  public mutating func ints(_ values: some Sequence<Int>) {
    raw("[")
    for (k, i) in values.enumerated() {
      if k > 0 { raw(", ") }
      int(i)
    }
    raw("]")
  }

  /// A line break after the last value.
  public mutating func newline() { raw("\n") }

  // MARK: - Objects and arrays

  public mutating func beginObject() {
    open.append(false)
    level += 1
  }

  /// Starts the next member: its key, and then its value is written.
  public mutating func key(_ key: String) {
    startMember()
    string(key)
    raw(": ")
  }

  /// Ends the object: `{}` when it has no members.
  public mutating func endObject() {
    close(empty: "{}", end: "}")
  }

  public mutating func beginArray() {
    open.append(false)
    level += 1
  }

  /// Starts the next item of the array on its own line.
  public mutating func item() {
    raw(open[open.count - 1] ? ",\n" : "[\n")
    open[open.count - 1] = true
    pad()
  }

  /// Ends the array: `[]` when it has no items.
  public mutating func endArray() {
    close(empty: "[]", end: "]")
  }

  /// An array of `count` items, one per line, `write` writing item `k` (it calls no `item()`
  /// itself). A long one is written in slices on all cores, each into its own buffer: `write`
  /// must be safe to call from several threads at once.
  public mutating func items(count: Int, _ write: (Int, inout JSONWriter) -> Void) {
    beginArray()
    if count >= Self.parallelItems {
      let size = Self.parallelItems / 2
      let slices = (count + size - 1) / size
      let parts = UnsafeMutablePointer<[UnsafeMutableBufferPointer<UInt8>]>.allocate(capacity: slices)
      parts.initialize(repeating: [], count: slices)
      defer {
        parts.deinitialize(count: slices)
        parts.deallocate()
      }
      let level = self.level
      Concurrently.forEach(slices) { k in
        // The array was just begun: only the slices after the first follow items.
        var slice = JSONWriter(itemsAt: level, hasItems: k > 0)
        for i in k * size..<min(count, (k + 1) * size) {
          slice.item()
          write(i, &slice)
        }
        parts[k] = slice.takePieces()
      }
      closePiece()
      for k in 0..<slices { pieces += parts[k] }
      open[open.count - 1] = true
    } else {
      for i in 0..<count {
        item()
        write(i, &self)
      }
    }
    endArray()
  }

  // MARK: - Bytes

  private mutating func startMember() {
    raw(open[open.count - 1] ? ",\n" : "{\n")
    open[open.count - 1] = true
    pad()
  }

  private mutating func close(empty: StaticString, end: StaticString) {
    level -= 1
    guard open.removeLast() else {
      raw(empty)
      return
    }
    raw("\n")
    pad()
    raw(end)
  }

  private mutating func raw(_ text: StaticString) {
    text.withUTF8Buffer { append($0) }
  }

  @inline(__always)
  private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    let n = bytes.count
    if capacity &- used < n { startPiece(atLeast: n) }
    guard n > 0, let from = bytes.baseAddress else { return }
    (piece.unsafelyUnwrapped + used).initialize(from: from, count: n)
    used &+= n
  }

  @inline(__always)
  private mutating func append(_ byte: UInt8) {
    if capacity == used { startPiece(atLeast: 1) }
    piece.unsafelyUnwrapped[used] = byte
    used &+= 1
  }

  /// Two spaces a level.
  private mutating func pad() {
    let spaces: StaticString = "                                "
    var n = 2 * level
    while n > 0 {
      let run = min(n, spaces.utf8CodeUnitCount)
      spaces.withUTF8Buffer { append(UnsafeBufferPointer(rebasing: $0[..<run])) }
      n -= run
    }
  }

  /// Quotes UTF-8 text: only `"`, `\` and control characters (all ASCII) are escaped, every
  /// other byte is copied, a run of them at a time (appending byte by byte was over half of
  /// writing a 10M-row run's report). Eight bytes are tested at once while none needs escaping:
  /// quoting took 430 instead of 543 perf samples over eight copies of that report.
  private mutating func quote(_ text: UnsafeBufferPointer<UInt8>) {
    raw("\"")
    guard let base = text.baseAddress else { return raw("\"") }
    let words = UnsafeRawPointer(base)
    var start = 0
    var i = 0
    while i < text.count {
      if text.count - i >= 8, !Self.mayNeedEscape(words.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
        i += 8
        continue
      }
      let byte = base[i]
      i += 1
      guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
      append(UnsafeBufferPointer(rebasing: text[start..<i - 1]))
      start = i
      switch byte {
      case UInt8(ascii: "\""): raw("\\\"")
      case UInt8(ascii: "\\"): raw("\\\\")
      case UInt8(ascii: "\n"): raw("\\n")
      case UInt8(ascii: "\r"): raw("\\r")
      case UInt8(ascii: "\t"): raw("\\t")
      default:
        let hex: StaticString = "0123456789abcdef"
        raw("\\u00")
        hex.withUTF8Buffer { digits in
          append(digits[Int(byte >> 4)])
          append(digits[Int(byte & 0xF)])
        }
      }
    }
    append(UnsafeBufferPointer(rebasing: text[start...]))
    raw("\"")
  }

  /// Whether one of the eight bytes in `w` may be a control character, `"` or `\` (never
  /// false when one is): subtracting 0x20 from a byte below 0x20, or 1 from a byte that is zero
  /// after XOR with `"` or `\`, sets the top bit the byte did not have.
  @inline(__always)
  private static func mayNeedEscape(_ w: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let tops: UInt64 = 0x8080_8080_8080_8080
    let quote = w ^ (0x22 &* ones)
    let backslash = w ^ (0x5C &* ones)
    let control = (w &- 0x20 &* ones) & ~w
    return (control | (quote &- ones) & ~quote | (backslash &- ones) & ~backslash) & tops != 0
  }
}

/// A JSON value whose objects keep their keys in insertion order.
public indirect enum JSONValue {
  case null
  case bool(Bool)
  case int(Int)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])
  /// An array of `count` items that `write` writes straight into the writer as the array is
  /// written (JSONWriter.items: on several threads for a long one), never held as values. For
  /// a report's violations: the 140k of a 10M-row run built as one tree were freed on one
  /// thread after writing, ~0.15 s (perf), and made one at a time they were still most of
  /// writing them.
  case items(count: Int, write: (Int, inout JSONWriter) -> Void)

  /// Pretty-printed with two-space indentation, the first line not indented.
  public func serialized(indent: Int = 0) -> String {
    String(decoding: utf8(indent: indent), as: UTF8.self)
  }

  /// The serialised text's UTF-8 bytes, for writing without making a String of them.
  public func utf8(indent: Int = 0) -> [UInt8] {
    var writer = JSONWriter(level: indent)
    write(to: &writer)
    return writer.finish()
  }

  public func write(to writer: inout JSONWriter) {
    switch self {
    case .null: writer.null()
    case .bool(let b): writer.bool(b)
    case .int(let i): writer.int(i)
    case .string(let s): writer.string(s)
    case .array(let items):
      if !items.isEmpty, items.allSatisfy({ if case .int = $0 { true } else { false } }) {
        writer.ints(items.lazy.compactMap { if case .int(let i) = $0 { i } else { nil } })
      } else {
        writer.items(count: items.count) { k, writer in items[k].write(to: &writer) }
      }
    case .object(let pairs):
      writer.beginObject()
      for (key, value) in pairs {
        writer.key(key)
        value.write(to: &writer)
      }
      writer.endObject()
    case .items(let count, let write): writer.items(count: count, write)
    }
  }
}
