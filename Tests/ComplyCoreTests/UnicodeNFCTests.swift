// Tests for canonical equivalence from bytes: the stable-NFC check never accepts text that
// normalises to something else, and Value hashing and equality agree with Swift's `==` on
// composed, decomposed, Chinese and ASCII text.

import Foundation
import Testing

@testable import ComplyCore

struct UnicodeNFCTests {
  func isStable(_ text: String) -> Bool {
    Array(text.utf8).withUnsafeBufferPointer(UnicodeNFC.isStable)
  }

  @Test(arguments: [
    ("abc", true), ("", true), ("Ünïcødé", true), ("学籍号Ｇ１２，。", true), ("か\u{3099}", false),
    ("\u{F900}", false), ("e\u{301}", false), ("\u{302A}", false), ("한국", false),
  ])
  func stableCheck(text: String, stable: Bool) {
    #expect(isStable(text) == stable)
  }

  @Test func everyStableScalarIsItsOwnNFC() {
    var accepted = 0
    for code in UInt32(0x80)...0xFFFF {
      guard let scalar = Unicode.Scalar(code) else { continue }
      let text = String(Character(scalar))
      guard isStable(text) else { continue }
      accepted += 1
      #expect(text.precomposedStringWithCanonicalMapping.utf8.elementsEqual(text.utf8), "U+\(String(code, radix: 16))")
    }
    #expect(accepted == 0x300 - 0x80 + 0x7000 - 8 + 0xF0)
  }

  /// Pairs Swift's `==` calls equal although their bytes differ.
  static let equivalentForms: [(String, String)] = [
    ("Jos\u{E9}", "Jose\u{301}"),
    ("\u{8C48}", "\u{F900}"),
    ("が", "か\u{3099}"),
    ("\u{1E69}", "s\u{323}\u{307}"),
    ("\u{1E69}", "s\u{307}\u{323}"),
    ("한국", "\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8}"),
    ("张三 Jos\u{E9}", "张三 Jose\u{301}"),
  ]

  @Test(arguments: equivalentForms)
  func equivalentFormsAreEqualAndHashEqual(a: String, b: String) {
    #expect(a == b)
    #expect(!a.utf8.elementsEqual(b.utf8))
    #expect(UnicodeNFC.equal(a, b))
    #expect(Value.string(a) == Value.string(b))
    #expect(Value.string(a).hashValue == Value.string(b).hashValue)
    #expect(Set([Value.string(a)]).contains(.string(b)))
    #expect(Set([Value.string(b)]).contains(.string(a)))
  }

  @Test func chineseAndASCIIKeysHashByContent() {
    let words = ["补课费", "辅导费", "午餐费", "学费", "G411524201611210012", "", "a", "ab", "学费 ", "学 费"]
    let set = Set(words.map(Value.string))
    #expect(set.count == words.count)
    for word in words {
      // The same text built anew is a different String object with the same bytes.
      let rebuilt = String(decoding: Array(word.utf8), as: UTF8.self)
      #expect(set.contains(.string(rebuilt)))
      #expect(Value.string(rebuilt).hashValue == Value.string(word).hashValue)
    }
    #expect(!set.contains(.string("补课")))
    #expect(!set.contains(.string("学费\u{301}")))
  }

  @Test func equalityAgreesWithSwiftOnMixedText() {
    let pieces = ["e", "\u{E9}", "\u{301}", "\u{323}", "学", "\u{F900}", "\u{8C48}", "か", "\u{3099}", "Ｇ"]
    var texts: [String] = [""]
    var level: [String] = [""]
    for _ in 0..<3 {
      level = level.flatMap { t in pieces.map { t + $0 } }
      texts += level
    }
    var disagreements: [String] = []
    for (i, x) in texts.enumerated() {
      for y in texts[i...] where UnicodeNFC.equal(x, y) != (x == y)
        || (x == y && Value.string(x).hashValue != Value.string(y).hashValue) {
        disagreements.append("\(Array(x.unicodeScalars)) vs \(Array(y.unicodeScalars))")
      }
    }
    #expect(disagreements.isEmpty)
  }

  @Test func numbersStillHashByValue() throws {
    let one = try #require(ExactDecimal(parsing: "1.00"))
    #expect(Value.int(1) == Value.decimal(one))
    #expect(Value.int(1).hashValue == Value.decimal(one).hashValue)
  }
}
