// Tests for exact decimal arithmetic: money never drifts.

import Testing

@testable import ComplyCore

struct ExactDecimalTests {
  func d(_ s: String) -> ExactDecimal {
    guard let v = ExactDecimal(parsing: s) else { fatalError("bad literal \(s)") }
    return v
  }

  @Test func pointOnePlusPointTwoIsPointThree() {
    #expect(d("0.1").adding(d("0.2")) == d("0.3"))
  }

  @Test func threeChargesOf500Point1DoNotExceed1500Point3() throws {
    let total = try #require(d("500.1").adding(d("500.1"))?.adding(d("500.1")))
    #expect(!(total > d("1500.3")))
    #expect(total == d("1500.30"))
  }

  @Test func scaleIsKeptForDisplayButNotForEquality() {
    #expect(d("200.50").description == "200.50")
    #expect(d("200.50") == d("200.5"))
    #expect(d("200.50").hashValue == d("200.5").hashValue)
  }

  @Test func equalityAcrossScales() {
    #expect(d("1") == d("1.000"))
    #expect(d("-0.10") == d("-0.1"))
    #expect(d("0") == d("0.00"))
    #expect(d("1.01") != d("1.1"))
    #expect(d("100") != d("1.00"))
    // Rescaling overflows or runs past the table of powers of ten: equality still holds by value.
    #expect(ExactDecimal(significand: .max, scale: 0) != ExactDecimal(significand: .max, scale: 1))
    #expect(ExactDecimal(significand: 0, scale: 60) == ExactDecimal(0))
    #expect(ExactDecimal(significand: 5, scale: 0) == ExactDecimal(significand: 5 * ExactDecimal.powersOfTen[37], scale: 37))
  }

  @Test(arguments: [("1,234.56", "1234.56"), ("-0.5", "-0.5"), (".5", "0.5"), ("+7", "7"), ("12,345,678", "12345678")])
  func parsesWrittenForms(text: String, expected: String) {
    #expect(ExactDecimal(parsing: text)?.description == expected)
  }

  @Test(arguments: ["1,23", "12,34.5", "1.2.3", "", "-", "1e5", "¥5", "1,2345"])
  func rejectsMalformedNumbers(text: String) {
    #expect(ExactDecimal(parsing: text) == nil)
  }

  @Test func divisionRoundsToTenDigitsAndTrims() {
    #expect(d("1").divided(by: d("3"))?.description == "0.3333333333")
    #expect(d("10").divided(by: d("4"))?.description == "2.5")
    #expect(d("1").divided(by: d("0")) == nil)
  }

  @Test func roundingIsHalfAwayFromZero() {
    #expect(d("2.345").rounded(toScale: 2).description == "2.35")
    #expect(d("-2.345").rounded(toScale: 2).description == "-2.35")
    #expect(d("2.344").rounded(toScale: 2).description == "2.34")
  }

  @Test func multiplicationIsExact() {
    #expect(d("0.1").multiplied(by: d("3")) == d("0.3"))
    #expect(d("19.99").multiplied(by: d("3"))?.description == "59.97")
  }

  @Test func overflowIsNilNotATrap() {
    let big = ExactDecimal(significand: Int128.max / 2 + 1, scale: 0)
    #expect(big.adding(big) == nil)
    #expect(big.multiplied(by: d("10")) == nil)
    #expect(d("1").adding(ExactDecimal(significand: 1, scale: 40)) == nil)
  }

  /// The plain-form fast path gives what the general parser gives (value and written scale) on
  /// generated texts of digits, points, signs, commas and other bytes, up to 22 bytes long, and
  /// declines everything else; `parse` agrees with the general parser on all of them.
  @Test func plainFormAgreesWithTheGeneralParser() {
    let alphabet = Array("0123456789000999.-+,. a".utf8)
    var state: UInt64 = 20_250_731
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
    func show(_ v: ExactDecimal?) -> String { v.map { "\($0) scale \($0.scale)" } ?? "nil" }
    var plain = 0
    for _ in 0..<200_000 {
      let bytes = (0..<next(23)).map { _ in alphabet[next(alphabet.count)] }
      bytes.withUnsafeBufferPointer { b in
        let general = show(ExactDecimal.parseAnyForm(b))
        let text = String(decoding: bytes, as: UTF8.self)
        if let fast = ExactDecimal.parsePlain(b) {
          plain += 1
          #expect(show(fast) == general, "\(text)")
        }
        #expect(show(ExactDecimal.parse(b)) == general, "\(text)")
      }
    }
    #expect(plain > 10_000, "\(plain) texts took the plain path")
  }
}
