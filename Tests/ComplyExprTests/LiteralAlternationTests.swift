// The byte-search path of `matches` must agree with ICU on every pattern it takes over, and
// leave every other pattern to ICU.

import Foundation
import Testing

@testable import ComplyExpr

struct LiteralAlternationTests {
  static let patterns = ["补课|辅导|培优|提高班|家教", "^G", "^G|X", "新课", "a|bc|^d", "罚抄|错一罚"]
  static let texts = [
    "", "补课", "周末补课费", "辅", "提高", "提高班收费", "家教", "G110101", "110101G", "GX", "X", "abc",
    "xbcx", "dab", "ad", "新课讲授", "新 课", "e\u{301}", "错一罚十", "罚抄三遍", "補課",
  ]

  @Test(arguments: patterns)
  func agreesWithICU(pattern: String) throws {
    let literal = try #require(LiteralAlternation(pattern: pattern))
    let regex = try NSRegularExpression(pattern: pattern)
    for text in Self.texts {
      let icu = regex.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
      #expect(literal.matches(text) == icu, "'\(pattern)' on '\(text)'")
    }
  }

  @Test(arguments: ["第.{1,2}节", "^\\d+$", "[Ee][+]", "家长(签字|检查)", "a|", "|a", "抄\\s*\\d+", "a$", "a^b"])
  func leavesRealRegularExpressionsToICU(pattern: String) {
    #expect(LiteralAlternation(pattern: pattern) == nil)
  }

  @Test func combiningAccentsAreSeparateCodePointsAsInICU() {
    // `e` does not match the precomposed `é` but does match `e` followed by a combining accent,
    // in ICU and in the byte search alike.
    #expect(LiteralAlternation(pattern: "e")?.matches("\u{E9}") == false)
    #expect(LiteralAlternation(pattern: "e")?.matches("e\u{301}") == true)
  }
}
