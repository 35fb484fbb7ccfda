// JSONWriter: a JSON value with ordered object keys and its serialisation. Hand-written (90
// lines) because the report is a contract read by people and diffs as much as by machines:
// keys must come out in the documented order, and Foundation's JSONSerialization orders
// dictionary keys arbitrarily (or sorted), never as written.

import ComplyCore

/// A JSON value whose objects keep their keys in insertion order.
public indirect enum JSONValue {
  case null
  case bool(Bool)
  case int(Int)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  /// Pretty-printed with two-space indentation.
  public func serialized(indent: Int = 0) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(1 << 16)
    write(to: &out, indent: indent)
    return String(decoding: out, as: UTF8.self)
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
      if items.isEmpty {
        out.append(contentsOf: "[]".utf8)
      } else if items.allSatisfy({ if case .int = $0 { return true } else { return false } }) {
        out.append(UInt8(ascii: "["))
        for (k, item) in items.enumerated() {
          if k > 0 { out.append(contentsOf: ", ".utf8) }
          item.write(to: &out, indent: 0)
        }
        out.append(UInt8(ascii: "]"))
      } else {
        out.append(contentsOf: "[\n".utf8)
        if items.count >= Self.parallelItems {
          Self.writeInParallel(items, to: &out, indent: indent + 1)
        } else {
          Self.write(items[...], to: &out, indent: indent + 1)
        }
        out.append(UInt8(ascii: "\n"))
        Self.pad(indent, &out)
        out.append(UInt8(ascii: "]"))
      }
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

  /// Writes the items of an array, separated by commas, each on its own line.
  private static func write(_ items: ArraySlice<JSONValue>, to out: inout [UInt8], indent: Int) {
    for (k, item) in zip(items.indices, items) {
      if k > items.startIndex { out.append(contentsOf: ",\n".utf8) }
      pad(indent, &out)
      item.write(to: &out, indent: indent)
    }
  }

  /// Writes slices of `items` into separate buffers at once and joins them: the same bytes as
  /// `write`, in a fraction of the time for a report with a hundred thousand violations.
  private static func writeInParallel(_ items: [JSONValue], to out: inout [UInt8], indent: Int) {
    let size = parallelItems / 2
    let count = (items.count + size - 1) / size
    let parts = UnsafeMutablePointer<[UInt8]>.allocate(capacity: count)
    parts.initialize(repeating: [], count: count)
    defer {
      parts.deinitialize(count: count)
      parts.deallocate()
    }
    Concurrently.forEach(count) { k in
      var buffer: [UInt8] = []
      write(items[k * size..<min(items.count, (k + 1) * size)], to: &buffer, indent: indent)
      parts[k] = buffer
    }
    for k in 0..<count {
      if k > 0 { out.append(contentsOf: ",\n".utf8) }
      out.append(contentsOf: parts[k])
    }
  }

  private static func pad(_ indent: Int, _ out: inout [UInt8]) {
    for _ in 0..<(2 * indent) { out.append(UInt8(ascii: " ")) }
  }

  /// Quotes UTF-8 text byte by byte: only `"`, `\` and control characters (all ASCII) are
  /// escaped, every other byte is copied.
  private static func writeQuoted(_ s: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in s.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
      case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
      case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
      case UInt8(ascii: "\r"): out.append(contentsOf: "\\r".utf8)
      case UInt8(ascii: "\t"): out.append(contentsOf: "\\t".utf8)
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: "\\u00".utf8)
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0xF)])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
