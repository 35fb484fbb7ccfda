// JSONWriter: a JSON value with ordered object keys and its serialisation to UTF-8 bytes.
// Hand-written (150 lines) because the report is a contract read by people and diffs as much
// as by machines: keys must come out in the documented order, and Foundation's
// JSONSerialization orders dictionary keys arbitrarily (or sorted), never as written. Long
// arrays are written in slices on all cores, and an array can make its items as it writes
// them (`items`), so that a large report is never held as a tree.

import ComplyCore

/// A JSON value whose objects keep their keys in insertion order.
public indirect enum JSONValue {
  case null
  case bool(Bool)
  case int(Int)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])
  /// An array of `count` items that `item` makes only as they are written, on several threads
  /// for a long one, each freed once written. For a report's violations: the 140k of a 10M-row
  /// run built as one tree were freed on one thread after writing, ~0.15 s (perf). Written
  /// like an array of objects, one item per line.
  case items(count: Int, item: (Int) -> JSONValue)

  /// Pretty-printed with two-space indentation.
  public func serialized(indent: Int = 0) -> String {
    String(decoding: utf8(indent: indent), as: UTF8.self)
  }

  /// The serialised text's UTF-8 bytes, for writing without making a String of them.
  public func utf8(indent: Int = 0) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(1 << 16)
    write(to: &out, indent: indent)
    return out
  }

  /// Appends the text to one byte buffer: building a String per value and joining them made
  /// a 140k-violation report take 3 s (perf, 10M-row benchmark), most of the run's tail.
  private func write(to out: inout [UInt8], indent: Int) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let i): out.append(contentsOf: String(i).utf8)
    case .string(let s): Self.writeQuoted(s, to: &out)
    case .array(let items):
      if !items.isEmpty, items.allSatisfy({ if case .int = $0 { return true } else { return false } }) {
        out.append(UInt8(ascii: "["))
        for (k, item) in items.enumerated() {
          if k > 0 { out.append(contentsOf: ", ".utf8) }
          item.write(to: &out, indent: 0)
        }
        out.append(UInt8(ascii: "]"))
      } else {
        Self.writeLines(count: items.count, { items[$0] }, to: &out, indent: indent)
      }
    case .items(let count, let item): Self.writeLines(count: count, item, to: &out, indent: indent)
    case .object(let pairs):
      if pairs.isEmpty {
        out.append(contentsOf: "{}".utf8)
        return
      }
      out.append(contentsOf: "{\n".utf8)
      for (k, (key, value)) in pairs.enumerated() {
        if k > 0 { out.append(contentsOf: ",\n".utf8) }
        Self.pad(indent + 1, &out)
        Self.writeQuoted(key, to: &out)
        out.append(contentsOf: ": ".utf8)
        value.write(to: &out, indent: indent + 1)
      }
      out.append(UInt8(ascii: "\n"))
      Self.pad(indent, &out)
      out.append(UInt8(ascii: "}"))
    }
  }

  /// Arrays this long (the violations of a large run) are written in slices on all cores.
  static let parallelItems = 8192

  /// Writes an array whose items go one per line: `[]` when empty.
  private static func writeLines(
    count: Int, _ item: (Int) -> JSONValue, to out: inout [UInt8], indent: Int
  ) {
    guard count > 0 else {
      out.append(contentsOf: "[]".utf8)
      return
    }
    out.append(contentsOf: "[\n".utf8)
    if count >= parallelItems {
      writeInParallel(count: count, item, to: &out, indent: indent + 1)
    } else {
      write(0..<count, item, to: &out, indent: indent + 1)
    }
    out.append(UInt8(ascii: "\n"))
    pad(indent, &out)
    out.append(UInt8(ascii: "]"))
  }

  /// Writes the items `range`, separated by commas, each on its own line.
  private static func write(
    _ range: Range<Int>, _ item: (Int) -> JSONValue, to out: inout [UInt8], indent: Int
  ) {
    for k in range {
      if k > range.lowerBound { out.append(contentsOf: ",\n".utf8) }
      pad(indent, &out)
      item(k).write(to: &out, indent: indent)
    }
  }

  /// Writes slices of the items into separate buffers at once and joins them: the same bytes
  /// as `write`, in a fraction of the time for a report with a hundred thousand violations.
  private static func writeInParallel(
    count: Int, _ item: (Int) -> JSONValue, to out: inout [UInt8], indent: Int
  ) {
    let size = parallelItems / 2
    let slices = (count + size - 1) / size
    let parts = UnsafeMutablePointer<[UInt8]>.allocate(capacity: slices)
    parts.initialize(repeating: [], count: slices)
    defer {
      parts.deinitialize(count: slices)
      parts.deallocate()
    }
    Concurrently.forEach(slices) { k in
      var buffer: [UInt8] = []
      write(k * size..<min(count, (k + 1) * size), item, to: &buffer, indent: indent)
      parts[k] = buffer
    }
    for k in 0..<slices {
      if k > 0 { out.append(contentsOf: ",\n".utf8) }
      out.append(contentsOf: parts[k])
    }
  }

  private static func pad(_ indent: Int, _ out: inout [UInt8]) {
    for _ in 0..<(2 * indent) { out.append(UInt8(ascii: " ")) }
  }

  /// Quotes UTF-8 text: only `"`, `\` and control characters (all ASCII) are escaped, every
  /// other byte is copied, a run of them at a time (appending byte by byte was over half of
  /// writing a 10M-row run's report: 131 of ~240 perf samples).
  private static func writeQuoted(_ s: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { bytes in
      var start = 0
      for i in bytes.indices {
        let byte = bytes[i]
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
        start = i + 1
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
        case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
        case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
        case UInt8(ascii: "\r"): out.append(contentsOf: "\\r".utf8)
        case UInt8(ascii: "\t"): out.append(contentsOf: "\\t".utf8)
        default:
          let hex = Array("0123456789abcdef".utf8)
          out.append(contentsOf: "\\u00".utf8)
          out.append(hex[Int(byte >> 4)])
          out.append(hex[Int(byte & 0xF)])
        }
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
    }
    out.append(UInt8(ascii: "\""))
  }
}
