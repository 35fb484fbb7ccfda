// Tests for TextIndex and ValueSet: lookups agree with Set<Value> (Swift's `==`, canonical
// equivalence for text, 1 == 1.0 for numbers) across growth, equivalent forms and mixed kinds.

import Testing

@testable import ComplyCore

struct ValueSetTests {
  @Test func textIndexKeepsFirstValueAndSurvivesGrowth() {
    var index = TextIndex()
    let n = 20_000
    for i in 0..<n { #expect(index.insert("G\(i)学生", value: i) == nil) }
    #expect(index.insert("G7学生", value: -1) == 7)
    #expect(index.count == n)
    var misses = 0
    for i in 0..<n where index.find("G\(i)学生") != i { misses += 1 }
    #expect(misses == 0)
    #expect(index.find("G\(n)学生") == nil)
    #expect(index.find("G1") == nil)
    #expect(index.find("") == nil)
  }

  @Test func textIndexFindsEquivalentForms() {
    var index = TextIndex()
    index.insert("Jose\u{301}", value: 1)
    index.insert("\u{F900}", value: 2)
    index.insert("", value: 3)
    #expect(index.find("Jos\u{E9}") == 1)
    #expect(index.find("\u{8C48}") == 2)
    #expect(index.find("") == 3)
    #expect(index.insert("Jos\u{E9}", value: 4) == 1)
  }

  @Test func valueSetAgreesWithSetOfValues() throws {
    let half = try #require(ExactDecimal(parsing: "0.50"))
    let members: [Value] = [
      .string("补课费"), .string("辅导费"), .string("e\u{301}"), .string(""), .int(7), .decimal(half),
      .date(Day(ordinal: 20_000)), .bool(true),
    ]
    let set = ValueSet(members)
    let reference = Set(members)
    let probes: [Value] = members + [
      .string("\u{E9}"), .string("补课"), .string("补课费 "), .decimal(ExactDecimal(7)), .int(8),
      .decimal(try #require(ExactDecimal(parsing: "0.5"))), .date(Day(ordinal: 20_001)),
      .bool(false), .null, .string("7"),
    ]
    for probe in probes {
      #expect(set.contains(probe) == reference.contains(probe), "\(probe)")
    }
    #expect(set.contains(.string("\u{E9}")))
    #expect(set.contains(.decimal(ExactDecimal(7))))
    #expect(!set.contains(.string("7")))
  }

  @Test func arrayLiteralBuildsTheSameSet() {
    let set: ValueSet = [.string("午餐费"), .int(8)]
    #expect(set.contains(.string("午餐费")))
    #expect(set.contains(.int(8)))
    #expect(!set.contains(.int(9)))
  }
}
