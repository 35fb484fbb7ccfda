// Value: the typed value of a cell, literal or expression result. `grade` and `weekday`
// cells are integers once parsed; `month` cells are the first day of the month.

/// A typed value; `.null` is SQL's NULL (unknown), never equal to anything.
public enum Value: Sendable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int64)
  case decimal(ExactDecimal)
  case string(String)
  case date(Day)
  case time(TimeOfDay)

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// The numeric value of an int or decimal.
  public var decimalValue: ExactDecimal? {
    switch self {
    case .int(let i): return ExactDecimal(i)
    case .decimal(let d): return d
    default: return nil
    }
  }

  /// How the value reads in a message or report: null is empty, booleans are 是/否.
  public var description: String {
    switch self {
    case .null: return ""
    case .bool(let b): return b ? "是" : "否"
    case .int(let i): return String(i)
    case .decimal(let d): return d.description
    case .string(let s): return s
    case .date(let d): return d.description
    case .time(let t): return t.description
    }
  }

  /// Three-way comparison of two non-null values of comparable kinds; nil otherwise.
  public static func compare(_ a: Value, _ b: Value) -> Int? {
    switch (a, b) {
    case let (.int(x), .int(y)): return x < y ? -1 : (x == y ? 0 : 1)
    case let (.string(x), .string(y)): return x < y ? -1 : (x == y ? 0 : 1)
    case let (.date(x), .date(y)): return x < y ? -1 : (x == y ? 0 : 1)
    case let (.time(x), .time(y)): return x < y ? -1 : (x == y ? 0 : 1)
    case let (.bool(x), .bool(y)): return x == y ? 0 : (!x ? -1 : 1)
    case let (.decimal(x), .decimal(y)): return ExactDecimal.order(x, y)
    default:
      guard let x = a.decimalValue, let y = b.decimalValue else { return nil }
      return ExactDecimal.order(x, y)
    }
  }
}

extension Value: Hashable {
  /// Equality as grouping and membership see it: null equals null here (SQL GROUP BY),
  /// and 1 equals 1.0. Expressions apply three-valued logic before reaching this.
  public static func == (a: Value, b: Value) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.null, _), (_, .null): return false
    case let (.string(x), .string(y)): return UnicodeNFC.equal(x, y)
    default: return compare(a, b) == 0
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let b): hasher.combine(b)
    case .int(let i): hasher.combine(ExactDecimal(i))
    case .decimal(let d): hasher.combine(d)
    case .string(let s):
      // The NFC bytes, as String's own hash uses, without normalising text already in NFC.
      UnicodeNFC.withNFCBytes(s) { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
      hasher.combine(0xFF as UInt8)
    case .date(let d): hasher.combine(d)
    case .time(let t): hasher.combine(t)
    }
  }
}
