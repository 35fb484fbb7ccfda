// JSON as JSONWriter writes it: escapes, layout, large arrays (written in slices on several
// threads, in pieces of memory joined at the end) giving the same bytes as small ones written
// in order, and arrays whose items are written straight into the writer giving the same bytes
// as arrays of the items.

import Foundation
import Testing

@testable import ComplyEngine
@testable import ComplyReport

struct JSONWriterTests {
  @Test func escapesOnlyQuotesBackslashesAndControlCharacters() {
    let value = JSONValue.object([("文本", .string("引号\" 反斜杠\\ 换行\n 制表\t \u{1}é"))])
    #expect(value.serialized() == "{\n  \"文本\": \"引号\\\" 反斜杠\\\\ 换行\\n 制表\\t \\u0001é\"\n}")
  }

  @Test func nestedLayoutAndIntArraysOnOneLine() {
    let value = JSONValue.object([("a", .array([.int(1), .int(2)])), ("b", .array([.object([]), .null, .bool(true)]))])
    #expect(value.serialized() == "{\n  \"a\": [1, 2],\n  \"b\": [\n    {},\n    null,\n    true\n  ]\n}")
  }

  @Test func aLargeArrayIsWrittenAsItsItemsInOrder() {
    let count = JSONWriter.parallelItems * 2 + 123
    let items = (0..<count).map { i in
      JSONValue.object([("line", .int(i)), ("message", .string("第\(i)行 \"x\"\n")), ("lines", .array([.int(i)]))])
    }
    let expected = "[\n" + items.map { "  " + $0.serialized(indent: 1) }.joined(separator: ",\n") + "\n]"
    #expect(JSONValue.array(items).serialized() == expected)
  }

  @Test(arguments: [0, 3, JSONWriter.parallelItems + 5])
  func itemsMadeWhenWrittenLookLikeAnArrayOfThem(count: Int) {
    func item(_ i: Int) -> JSONValue { .object([("n", .int(i)), ("text", .string("第\(i)条"))]) }
    let made = JSONValue.object([("violations", .items(count: count) { k, writer in item(k).write(to: &writer) })])
    // Spelled out, not written by JSONWriter: `.array` writes its items the same way.
    let items = (0..<count).map { "    {\n      \"n\": \($0),\n      \"text\": \"第\($0)条\"\n    }" }
    let expected =
      count == 0 ? "{\n  \"violations\": []\n}" : "{\n  \"violations\": [\n" + items.joined(separator: ",\n") + "\n  ]\n}"
    #expect(made.serialized() == expected)
  }

  /// The escaping JSONWriter promises, a character at a time.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  @Test func escapesAtEveryPlaceOfLongAndShortTexts() {
    for special in ["\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}", "é", "学", " ", "~", "\u{7F}"] {
      for length in 0..<20 {
        for at in 0...length {
          let text = String(repeating: "a", count: at) + special + String(repeating: "籍", count: length - at)
          #expect(JSONValue.string(text).serialized() == Self.quoted(text))
        }
      }
    }
  }

  @Test func aTextLongerThanAPieceIsWrittenWhole() {
    // Over two pieces of the largest size, joined on several threads.
    let text = String(repeating: "第一行\"引号\"\n", count: 300_000)
    let value = JSONValue.array([.string(text), .int(1), .string("尾")])
    #expect(value.serialized() == "[\n  \(Self.quoted(text)),\n  1,\n  \"尾\"\n]")
  }

  /// A violation as a JSONValue object, the layout of SPEC §4 that JSONReporter writes straight
  /// from the result.
  static func object(_ v: Violation) -> JSONValue {
    func pairs(_ p: [(column: String, value: String)]?) -> JSONValue {
      p.map { .object($0.map { ($0.column, .string($0.value)) }) } ?? .null
    }
    return .object([
      ("rule", .string(v.ruleID)), ("severity", .string(v.severity.rawValue)), ("category", .string(v.category)),
      ("department", .string(v.department)), ("owner", .string(v.owner)), ("title", .string(v.title)),
      ("message", .string(v.message)), ("dataset", .string(v.dataset)), ("file", v.file.map(JSONValue.string) ?? .null),
      ("line", v.line.map(JSONValue.int) ?? .null), ("lines", .array(v.lines.map(JSONValue.int))),
      ("group", pairs(v.group)), ("key", pairs(v.key)), ("fingerprint", .string(v.fingerprint)),
      ("status", .string(v.status)), ("waived", .bool(v.waived)),
    ])
  }

  @Test func aViolationIsWrittenAsItsObject() {
    let row = Violation(
      ruleID: "FEE-A", severity: .error, category: "收费", department: "财务处", owner: "", title: "标题",
      message: "张** 收取 \"补课费\"\n200 元", dataset: "fees", file: "收费/1.csv", line: 12, lines: [12], group: nil,
      key: [("学籍号", "G1"), ("收费日期", "2020-09-03")], fingerprint: "ab12")
    let expected = Violation(
      ruleID: "TT", severity: .warning, category: "", department: "", owner: "王\\老师", title: "", message: "",
      dataset: "timetable", file: nil, line: nil, lines: [], group: [("班级", "一班"), ("科目", "")], key: nil,
      fingerprint: "", status: "persisting", waived: true)
    var grouped = row
    grouped.lines = [3, 5, 8]
    grouped.group = []
    grouped.key = nil
    for v in [row, expected, grouped] {
      var writer = JSONWriter(level: 2)
      withUnsafePointer(to: v) { JSONReporter.write($0, to: &writer) }
      #expect(writer.finish() == Self.object(v).utf8(indent: 2))
    }
  }
}
