// JSONValue's serialisation: escapes, layout, and large arrays (written in slices on several
// threads) giving the same bytes as small ones written in order.

import Testing

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
    let count = JSONValue.parallelItems * 2 + 123
    let items = (0..<count).map { i in
      JSONValue.object([("line", .int(i)), ("message", .string("第\(i)行 \"x\"\n")), ("lines", .array([.int(i)]))])
    }
    let expected = "[\n" + items.map { "  " + $0.serialized(indent: 1) }.joined(separator: ",\n") + "\n]"
    #expect(JSONValue.array(items).serialized() == expected)
  }
}
