// Arithmetic: the runtime semantics of `+ - * / %`, unary minus and comparisons on non-null
// values. Every overflow (64-bit integers, 128-bit decimal significands, dates past year
// 9999) yields null rather than trapping or wrapping, so a rogue cell cannot crash a run.

import ComplyCore

enum Arithmetic {
  /// 10^0 … 10^38: every power of ten an Int128 holds.
  static let powersOfTen: [Int128] = {
    var powers: [Int128] = [1]
    for _ in 1...38 { powers.append(powers[powers.count - 1] * 10) }
    return powers
  }()

  /// The first and last days a date value may hold (years 1 to 9999).
  static let dayRange: ClosedRange<Int> = {
    let first = Day(year: 1, month: 1, day: 1)?.ordinal ?? Int.min
    let last = Day(year: 9999, month: 12, day: 31)?.ordinal ?? Int.max
    return first...last
  }()

  // MARK: - Operators on values

  static func add(_ a: Value, _ b: Value) -> Value {
    switch (a, b) {
    case let (.int(x), .int(y)):
      let (sum, overflow) = x.addingReportingOverflow(y)
      return overflow ? .null : .int(sum)
    case let (.date(d), .int(n)), let (.int(n), .date(d)): return shift(d, by: n)
    default: return decimal(a, b, add)
    }
  }

  static func subtract(_ a: Value, _ b: Value) -> Value {
    switch (a, b) {
    case let (.int(x), .int(y)):
      let (difference, overflow) = x.subtractingReportingOverflow(y)
      return overflow ? .null : .int(difference)
    case let (.date(d), .int(n)): return n == .min ? .null : shift(d, by: -n)
    case let (.date(x), .date(y)): return .int(Int64(x.ordinal - y.ordinal))
    default: return decimal(a, b, subtract)
    }
  }

  static func multiply(_ a: Value, _ b: Value) -> Value {
    if case let (.int(x), .int(y)) = (a, b) {
      let (product, overflow) = x.multipliedReportingOverflow(by: y)
      return overflow ? .null : .int(product)
    }
    return decimal(a, b, multiply)
  }

  /// Always a decimal; null on division by zero.
  static func divide(_ a: Value, _ b: Value) -> Value {
    decimal(a, b, divide)
  }

  /// Integer remainder for integers (sign of the dividend), else decimal; null on zero.
  static func remainder(_ a: Value, _ b: Value) -> Value {
    if case let (.int(x), .int(y)) = (a, b) {
      guard y != 0 else { return .null }
      let (rest, overflow) = x.remainderReportingOverflow(dividingBy: y)
      return overflow ? .null : .int(rest)
    }
    return decimal(a, b, remainder)
  }

  static func negate(_ a: Value) -> Value {
    switch a {
    case .int(let x): return x == .min ? .null : .int(-x)
    case .decimal(let d): return .decimal(-d)
    default: return .null
    }
  }

  private static func decimal(
    _ a: Value, _ b: Value, _ operation: (ExactDecimal, ExactDecimal) -> ExactDecimal?
  ) -> Value {
    guard let x = a.decimalValue, let y = b.decimalValue, let result = operation(x, y) else {
      return .null
    }
    return .decimal(result)
  }

  private static func shift(_ day: Day, by days: Int64) -> Value {
    guard let offset = Int(exactly: days), abs(offset) <= 4_000_000 else { return .null }
    let result = day.ordinal + offset
    return dayRange.contains(result) ? .date(Day(ordinal: result)) : .null
  }

  // MARK: - Checked decimal arithmetic (ExactDecimal's, as operations on values)

  static func add(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal? { a.adding(b) }
  static func subtract(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal? { a.subtracting(b) }
  static func multiply(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal? { a.multiplied(by: b) }
  static func divide(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal? { a.divided(by: b) }
  static func remainder(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal? {
    a.remainder(dividingBy: b)
  }

  /// Rounds half away from zero to `digits` fractional digits; a negative `digits` rounds to
  /// tens, hundreds, … (`round(1250, -2)` = 1300). Nil on overflow.
  static func round(_ d: ExactDecimal, digits: Int) -> ExactDecimal? {
    if digits >= 0 { return d.rounded(toScale: min(digits, ExactDecimal.maxScale)) }
    let places = -digits
    guard d.scale + places < powersOfTen.count else { return ExactDecimal(0) }
    let whole = ExactDecimal(significand: d.significand, scale: d.scale + places).rounded(
      toScale: 0)
    return ExactDecimal(significand: whole.significand, scale: -places)
      .scaledSignificand(atScale: 0).map { ExactDecimal(significand: $0, scale: 0) }
  }

  // MARK: - Comparison

  /// `a == b` for non-null values of comparable types.
  static func equal(_ a: Value, _ b: Value) -> Bool {
    if case .string(let x) = a, case .string(let y) = b { return UnicodeNFC.equal(x, y) }
    return Value.compare(a, b) == 0
  }
}
