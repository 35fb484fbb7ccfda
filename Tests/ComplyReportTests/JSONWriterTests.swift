// JSONValue's serialisation: escapes, layout, large arrays (written in slices on several
// threads) giving the same bytes as small ones written in order, and arrays whose items are
// made as they are written giving the same bytes as arrays of the items.

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

  @Test(arguments: [0, 3, JSONValue.parallelItems + 5])
  func itemsMadeWhenWrittenLookLikeAnArrayOfThem(count: Int) {
    func item(_ i: Int) -> JSONValue { .object([("n", .int(i)), ("text", .string("第\(i)条"))]) }
    let made = JSONValue.object([("violations", .items(count: count, item: item))])
    let built = JSONValue.object([("violations", .array((0..<count).map(item)))])
    #expect(made.serialized() == built.serialized())
    #expect(made.utf8() == Array(built.serialized().utf8))
  }
}
