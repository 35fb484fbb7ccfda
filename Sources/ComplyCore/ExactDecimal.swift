// ExactDecimal: the fixed-point decimal behind `decimal` columns and numeric literals.
// Hand-written because Foundation.Decimal allocates nothing but is slow to parse and format
// (NSDecimal's string paths go through Scanner) and its hashing does not treat 1.0 and 1.00
// as equal; a 128-bit significand with a decimal scale is exact for every sum of money a
// school can produce (38 digits) and keeps the scale written in the data ("200.50").

/// An exact decimal number `significand × 10^-scale`.
public struct ExactDecimal: Sendable, Comparable, Hashable, CustomStringConvertible {
  public var significand: Int128
  public var scale: Int

  /// The largest scale kept; products and quotients are rounded to it.
  public static let maxScale = 18
  /// Fractional digits computed for a quotient before trailing zeros are trimmed.
  public static let divisionScale = 10

  public init(significand: Int128, scale: Int) {
    self.significand = significand
    self.scale = scale
  }

  public init(_ integer: Int64) {
    self.init(significand: Int128(integer), scale: 0)
  }

  static func power(_ n: Int) -> Int128 {
    var p: Int128 = 1
    for _ in 0..<n { p = p &* 10 }
    return p
  }

  /// The same value at a larger scale (exact).
  func rescaled(to newScale: Int) -> Int128 {
    newScale <= scale ? significand : significand &* Self.power(newScale - scale)
  }

  /// Trailing fractional zeros removed: the canonical form used for hashing and equality.
  public var normalized: ExactDecimal {
    var s = significand
    var k = scale
    while k > 0, s % 10 == 0 {
      s /= 10
      k -= 1
    }
    return ExactDecimal(significand: s, scale: k)
  }

  /// Rounds half away from zero to `digits` fractional digits (digits ≥ 0).
  public func rounded(toScale digits: Int) -> ExactDecimal {
    guard digits < scale else { return self }
    let divisor = Self.power(scale - digits)
    var q = significand / divisor
    let r = significand % divisor
    if (r < 0 ? -r : r) * 2 >= divisor { q += significand < 0 ? -1 : 1 }
    return ExactDecimal(significand: q, scale: digits)
  }

  public var isInteger: Bool { normalized.scale == 0 }

  /// The value truncated to an integer, when it fits in 64 bits.
  public var int64Value: Int64? {
    let whole = significand / Self.power(scale)
    return Int64(exactly: whole)
  }

  public var doubleValue: Double {
    Double(significand) / Double(Self.power(scale))
  }

  public static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
    let s = max(a.scale, b.scale)
    return ExactDecimal(significand: a.rescaled(to: s) + b.rescaled(to: s), scale: s)
  }

  public static func - (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
    let s = max(a.scale, b.scale)
    return ExactDecimal(significand: a.rescaled(to: s) - b.rescaled(to: s), scale: s)
  }

  public static prefix func - (a: ExactDecimal) -> ExactDecimal {
    ExactDecimal(significand: -a.significand, scale: a.scale)
  }

  public static func * (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
    let product = ExactDecimal(significand: a.significand * b.significand, scale: a.scale + b.scale)
    return product.scale > maxScale ? product.rounded(toScale: maxScale) : product
  }

  /// The quotient rounded to `divisionScale` digits, trailing zeros trimmed; nil for division by zero.
  public func divided(by b: ExactDecimal) -> ExactDecimal? {
    guard b.significand != 0 else { return nil }
    // a/b = (a.s / 10^a.k) / (b.s / 10^b.k); compute with one extra digit, then round.
    let target = Self.divisionScale + 1
    let shift = target + b.scale - scale
    var numerator = significand
    var denominator = b.significand
    if shift >= 0 { numerator *= Self.power(shift) } else { denominator *= Self.power(-shift) }
    let raw = ExactDecimal(significand: numerator / denominator, scale: target)
    return raw.rounded(toScale: Self.divisionScale).normalized
  }

  /// The remainder of truncating division (sign of the dividend), nil for division by zero.
  public func remainder(dividingBy b: ExactDecimal) -> ExactDecimal? {
    guard b.significand != 0 else { return nil }
    let s = max(scale, b.scale)
    return ExactDecimal(significand: rescaled(to: s) % b.rescaled(to: s), scale: s)
  }

  public var magnitude: ExactDecimal {
    ExactDecimal(significand: significand < 0 ? -significand : significand, scale: scale)
  }

  public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool {
    let s = max(a.scale, b.scale)
    return a.rescaled(to: s) < b.rescaled(to: s)
  }

  public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool {
    let s = max(a.scale, b.scale)
    return a.rescaled(to: s) == b.rescaled(to: s)
  }

  public func hash(into hasher: inout Hasher) {
    let n = normalized
    hasher.combine(n.significand)
    hasher.combine(n.scale)
  }

  /// Plain notation with the value's own scale: `200.50`, `-0.5`, `12`.
  public var description: String {
    let negative = significand < 0
    let digits = String(negative ? -significand : significand)
    guard scale > 0 else { return negative ? "-" + digits : digits }
    let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
    let cut = padded.index(padded.endIndex, offsetBy: -scale)
    return (negative ? "-" : "") + padded[..<cut] + "." + padded[cut...]
  }

  /// Parses `12`, `-3.50`, `+0.5`, `.5`, `1,234.56` (commas only in groups of three).
  public init?(parsing text: String) {
    var s = text
    guard let value = s.withUTF8({ ExactDecimal.parse(UnsafeBufferPointer(rebasing: $0[...])) })
    else { return nil }
    self = value
  }

  /// Byte-level parser shared by CSV cells and literals; allocation-free.
  public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
    var i = 0
    let n = bytes.count
    guard n > 0 else { return nil }
    var negative = false
    if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
      negative = bytes[0] == UInt8(ascii: "-")
      i = 1
    }
    var significand: Int128 = 0
    var digits = 0
    var fractionDigits = 0
    var sawPoint = false
    var groupLength = -1  // digits since the last comma; -1 before any comma
    var integerDigits = 0
    while i < n {
      let c = bytes[i]
      if c >= 48 && c <= 57 {
        if digits >= 36 { return nil }
        significand = significand * 10 + Int128(c - 48)
        digits += 1
        if sawPoint { fractionDigits += 1 } else {
          integerDigits += 1
          if groupLength >= 0 { groupLength += 1 }
        }
      } else if c == UInt8(ascii: ".") && !sawPoint {
        if groupLength >= 0 && groupLength != 3 { return nil }
        sawPoint = true
      } else if c == UInt8(ascii: ",") && !sawPoint {
        if integerDigits == 0 || (groupLength >= 0 && groupLength != 3)
          || (groupLength < 0 && integerDigits > 3)
        {
          return nil
        }
        groupLength = 0
      } else {
        return nil
      }
      i += 1
    }
    if digits == 0 { return nil }
    if !sawPoint && groupLength >= 0 && groupLength != 3 { return nil }
    if fractionDigits > maxScale { return nil }
    return ExactDecimal(significand: negative ? -significand : significand, scale: fractionDigits)
  }
}
