// Tests for TextIndex and ValueSet: lookups agree with Set<Value> (Swift's `==`, canonical
// equivalence for text, 1 == 1.0 for numbers) across growth, equivalent forms and mixed kinds,
// and sets gathered from UTF-8 bytes on several threads' builders and merged agree with sets
// made from Strings on one.

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

  /// Texts in several normal forms: decomposed and precomposed é, a compatibility ideograph
  /// (U+F900, NFC U+8C48), Hangul as jamo and as a syllable, CJK with a combining mark.
  static let spellings = [
    "Caf\u{E9}", "Cafe\u{301}", "\u{F900}", "\u{8C48}", "\u{1100}\u{1161}", "\u{AC00}", "学籍号", "か\u{3099}",
    "\u{304C}", "G411522201611060015", "Z",
  ]

  @Test func textIndexFindsTextInsertedFromBytesInAnyNormalForm() {
    var index = TextIndex()
    for (i, text) in Self.spellings.enumerated() {
      var bytes = Array(text.utf8)
      let first = bytes.withUnsafeBufferPointer { index.insert(utf8: $0, value: i) }
      #expect(first == Self.spellings[..<i].firstIndex(of: text), "\(text)")
      bytes.append(0x21)
      #expect(bytes.withUnsafeBufferPointer { index.find(utf8: UnsafeBufferPointer(rebasing: $0.dropLast())) } != nil)
    }
    #expect(index.count == 7)
    #expect(index.find("Caf\u{E9}") == 0)
    #expect(index.find("\u{8C48}") == 2)
    #expect(index.find("\u{AC00}") == 4)
    #expect(index.find("\u{304C}") == 7)
    #expect(index.find("Cafe") == nil)
  }

  @Test func mergedIndexKeepsItsOwnValuesAndAddsTheOthers() {
    var a = TextIndex()
    var b = TextIndex()
    let n = 5_000
    for i in 0..<n { a.insert("A\(i)", value: i) }
    for i in n / 2..<(n + n / 2) { b.insert("A\(i)", value: -i) }
    b.insert("Cafe\u{301}", value: -1)
    a.insert(contentsOf: b)
    #expect(a.count == n + n / 2 + 1)
    var wrong = 0
    for i in 0..<n where a.find("A\(i)") != i { wrong += 1 }
    for i in n..<(n + n / 2) where a.find("A\(i)") != -i { wrong += 1 }
    #expect(wrong == 0)
    #expect(a.find("Caf\u{E9}") == -1)
    #expect(a.find("A\(n + n / 2)") == nil)
    // The merged index grows on as one built by inserts does.
    for i in 0..<n { a.insert("B\(i)", value: i) }
    #expect(a.count == 2 * n + n / 2 + 1)
    #expect(a.find("B\(n - 1)") == n - 1)
    #expect(a.find("A\(n)") == -n)
  }

  /// Members gathered on three builders, text from its bytes (as a cell's), then merged, make
  /// the set one made from all the values as Strings does.
  @Test func membersGatheredFromBytesAndMergedAgreeWithTheStringPath() throws {
    let half = try #require(ExactDecimal(parsing: "1.50"))
    var values: [Value] = Self.spellings.map { .string($0) }
    values += (0..<3_000).map { .string("G\($0)") }
    values += [.int(7), .decimal(half), .date(Day(ordinal: 20_000)), .bool(false), .int(7)]
    var builders = [ValueSet.Members(), ValueSet.Members(), ValueSet.Members()]
    for (i, value) in values.enumerated() {
      // Runs of 5 to each builder in turn, so equal texts and numbers meet on several.
      let k = (i / 5) % 3
      if case .string(let s) = value {
        Array(s.utf8).withUnsafeBufferPointer { builders[k].prefetchSlot(utf8: $0) }
        Array(s.utf8).withUnsafeBufferPointer { builders[k].insert(utf8: $0) }
      } else {
        builders[k].insert(value)
      }
    }
    builders[0].formUnion(builders[1])
    builders[0].formUnion(builders[2])
    let gathered = ValueSet(builders[0])
    let reference = ValueSet(values)
    let probes: [Value] =
      values + [
        .string("Cafe"), .string("G3000"), .string("7"), .decimal(ExactDecimal(7)), .int(1),
        .decimal(try #require(ExactDecimal(parsing: "1.5"))), .date(Day(ordinal: 20_001)), .bool(true), .null,
      ]
    var disagree: [Value] = []
    for probe in probes where gathered.contains(probe) != reference.contains(probe) { disagree.append(probe) }
    #expect(disagree.isEmpty)
    #expect(gathered.contains(.string("Caf\u{E9}")))
    #expect(gathered.contains(.decimal(ExactDecimal(7))))
    #expect(!gathered.contains(.string("7")))
    #expect(!gathered.contains(.null))
    for text in ["\u{F900}", "Cafe\u{301}", "G2999"] {
      #expect(Array(text.utf8).withUnsafeBufferPointer { gathered.contains(utf8: $0) }, "\(text)")
    }
  }
}
