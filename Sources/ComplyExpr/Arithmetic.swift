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

  // MARK: - Checked decimal arithmetic

  /// The significand of `d` at a scale at least its own, nil when it does not fit.
  static func significand(_ d: ExactDecimal, atScale scale: Int) -> Int128? {
    let extra = scale - d.scale
    guard extra > 0 else { return d.significand }
    guard extra < powersOfTen.count else { return nil }
    let (value, overflow) = d.significand.multipliedReportingOverflow(by: powersOfTen[extra])
    return overflow ? nil : value
  }

  static func add(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal? {
    let scale = max(a.scale, b.scale)
    guard let x = significand(a, atScale: scale), let y = significand(b, atScale: scale) else {
      return nil
    }
    let (sum, overflow) = x.addingReportingOverflow(y)
    return overflow ? nil : ExactDecimal(significand: sum, scale: scale)
  }

  static func subtract(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal? {
    add(a, ExactDecimal(significand: -b.significand, scale: b.scale))
  }

  static func multiply(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal? {
    let (product, overflow) = a.significand.multipliedReportingOverflow(by: b.significand)
    guard !overflow else { return nil }
    let result = ExactDecimal(significand: product, scale: a.scale + b.scale)
    return result.scale > ExactDecimal.maxScale
      ? result.rounded(toScale: ExactDecimal.maxScale) : result
  }

  /// The quotient rounded half away from zero to `ExactDecimal.divisionScale` digits, trailing
  /// zeros trimmed (as `ExactDecimal.divided(by:)`); nil for division by zero or overflow.
  static func divide(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal? {
    guard b.significand != 0 else { return nil }
    let target = ExactDecimal.divisionScale + 1
    let shift = target + b.scale - a.scale
    var numerator = a.significand
    var denominator = b.significand
    if shift >= 0 {
      guard let n = significand(a, atScale: a.scale + shift) else { return nil }
      numerator = n
    } else {
      guard let d = significand(b, atScale: b.scale - shift) else { return nil }
      denominator = d
    }
    let (quotient, overflow) = numerator.dividedReportingOverflow(by: denominator)
    guard !overflow else { return nil }
    return ExactDecimal(significand: quotient, scale: target)
      .rounded(toScale: ExactDecimal.divisionScale).normalized
  }

  static func remainder(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal? {
    guard b.significand != 0 else { return nil }
    let scale = max(a.scale, b.scale)
    guard let x = significand(a, atScale: scale), let y = significand(b, atScale: scale) else {
      return nil
    }
    let (rest, overflow) = x.remainderReportingOverflow(dividingBy: y)
    return overflow ? nil : ExactDecimal(significand: rest, scale: scale)
  }

  /// Rounds half away from zero to `digits` fractional digits; a negative `digits` rounds to
  /// tens, hundreds, … (`round(1250, -2)` = 1300). Nil on overflow.
  static func round(_ d: ExactDecimal, digits: Int) -> ExactDecimal? {
    if digits >= 0 { return d.rounded(toScale: min(digits, ExactDecimal.maxScale)) }
    let places = -digits
    guard d.scale + places < powersOfTen.count else { return ExactDecimal(0) }
    let whole = ExactDecimal(significand: d.significand, scale: d.scale + places).rounded(
      toScale: 0)
    return significand(whole, atScale: places).map { ExactDecimal(significand: $0, scale: 0) }
  }

  // MARK: - Comparison

  /// `a == b` for non-null values of comparable types.
  static func equal(_ a: Value, _ b: Value) -> Bool {
    if case .string(let x) = a, case .string(let y) = b { return x == y }
    return Value.compare(a, b) == 0
  }
}
