// CSVReaderTests: record structure and positions: quoted newlines and line numbers, empty lines,
// ragged rows, lenient quotes, delimiters, headers, errors, the record API and bounded memory
// on a multi-megabyte file.

import ComplyCore
import Foundation
import Testing

@testable import ComplyCSV

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Test func quotedNewlinesKeepPhysicalLineNumbers() throws {
  let text = "id,note\n1,\"a\nb\"\n2,x\n3,\"p\r\nq\r\nr\"\r\n4,\"\"\"\"\n5,\"c\rd\"\n6,y"
  let parsed = try parseAtEveryChunkSize(bytes(text))
  #expect(parsed.header == ["id", "note"])
  #expect(
    parsed.rows == [
      Row(2, ["1", "a\nb"]), Row(4, ["2", "x"]), Row(5, ["3", "p\r\nq\r\nr"]), Row(8, ["4", "\""]),
      Row(9, ["5", "c\rd"]), Row(11, ["6", "y"]),
    ])
}

@Test func crlfWithBOM() throws {
  let parsed = try parseAtEveryChunkSize(bytes("\u{FEFF}学号,姓名\r\n1,张三\r\n2,\"李\r\n四\"\r\n"))
  #expect(parsed.header == ["学号", "姓名"])
  #expect(parsed.header.first?.unicodeScalars.first == "学")
  #expect(parsed.rows == [Row(2, ["1", "张三"]), Row(3, ["2", "李\r\n四"])])
  let reader = try CSVReader(bytes: bytes("\u{FEFF}a\r\n1"), displayPath: "t.csv")
  #expect(reader.encoding == .utf8)
}

@Test func loneCarriageReturnsEndLines() throws {
  let parsed = try parseAtEveryChunkSize(bytes("a,b\r1,2\r\r3,4\r"))
  #expect(parsed.rows == [Row(2, ["1", "2"]), Row(4, ["3", "4"])])
}

@Test func emptyLinesAreSkippedButCounted() throws {
  let parsed = try parseAtEveryChunkSize(bytes("\n\r\na,b\n\n1,2\r\n\r\n\n3,4\n\n,\n\n"))
  #expect(parsed.header == ["a", "b"])
  #expect(parsed.headerLine == 3)
  #expect(parsed.rows == [Row(5, ["1", "2"]), Row(8, ["3", "4"]), Row(10, ["", ""])])
}

@Test func lineOfDelimitersIsARecordOfEmptyFields() throws {
  let parsed = try parseAtEveryChunkSize(bytes("a,b,c\n,,\n\"\"\n"))
  #expect(parsed.rows == [Row(2, ["", "", ""]), Row(3, [""])])
}

@Test func raggedRowsComeBackWithTheirCount() throws {
  let parsed = try parseAtEveryChunkSize(bytes("a,b,c\n1,2\n1,2,3,4\nx\n1,2,3,"))
  #expect(parsed.rows.map(\.fields.count) == [2, 4, 1, 4])
  #expect(parsed.rows[3].fields == ["1", "2", "3", ""])
}

@Test func quotesAreLenient() throws {
  let text = "a,b\n37'37.8\"N,\"abc\"def\n \"x\",\"q\"\"\"tail\"\n"
  let parsed = try parseAtEveryChunkSize(bytes(text))
  #expect(parsed.rows == [Row(2, ["37'37.8\"N", "abcdef"]), Row(3, [" \"x\"", "q\"tail\""])])
}

@Test func emptyFile() throws {
  let reader = try CSVReader(bytes: [], displayPath: "empty.csv")
  #expect(reader.header == [])
  #expect(reader.headerLine == 1)
  #expect(try reader.next() == false)
  #expect(try reader.next() == false)
  let blank = try parseAtEveryChunkSize(bytes("\n\r\n"))
  #expect(blank.header == [])
  #expect(blank.rows == [])
}

@Test(arguments: ["a,b", "a,b\n", "a,b\r\n", "a,b\n\n\n"])
func headerOnlyFile(text: String) throws {
  let parsed = try parseAtEveryChunkSize(bytes(text))
  #expect(parsed.header == ["a", "b"])
  #expect(parsed.rows == [])
}

@Test func headerNamesAreTrimmed() throws {
  let parsed = try parse(bytes(" 学籍号\u{3000},\u{A0}姓名 ,\t金额\t,\u{FEFF}x, \"y \" ,\"\""))
  #expect(parsed.header == ["学籍号", "姓名", "金额", "x", "\"y \"", ""])
}

@Test func tabDelimiterIsDetected() throws {
  let parsed = try parseAtEveryChunkSize(bytes("\n学号\t姓名\n1\t\"张,三\"\n"))
  #expect(parsed.header == ["学号", "姓名"])
  #expect(parsed.rows == [Row(3, ["1", "张,三"])])
  let reader = try CSVReader(bytes: bytes("a\tb\n1\t2"), displayPath: "t.tsv")
  #expect(reader.delimiter == UInt8(ascii: "\t"))
  let mixed = try CSVReader(bytes: bytes("a\tb,c\n1\t2,3"), displayPath: "t.csv")
  #expect(mixed.delimiter == UInt8(ascii: ","))
  #expect(mixed.header == ["a\tb", "c"])
  let noTabs = try CSVReader(bytes: bytes("a\nb\tc"), displayPath: "t.csv")
  #expect(noTabs.delimiter == UInt8(ascii: ","))
}

@Test func forcedDelimiter() throws {
  let parsed = try parseAtEveryChunkSize(
    bytes("a;b,c\n1;\"x;y\"\n"), options: CSVOptions(delimiter: UInt8(ascii: ";")))
  #expect(parsed.header == ["a", "b,c"])
  #expect(parsed.rows == [Row(2, ["1", "x;y"])])
  for bad in ["\"", "\n", "\r"].map({ UInt8(ascii: Unicode.Scalar($0)!) }) + [0xE4] {
    let error = complyError {
      _ = try CSVReader(
        bytes: bytes("a"), displayPath: "t.csv", options: CSVOptions(delimiter: bad))
    }
    #expect(error?.message.hasPrefix("invalid delimiter byte \(bad)") == true)
  }
}

@Test func delimiterNames() throws {
  #expect(try CSVOptions.delimiter(named: "tab") == 9)
  #expect(try CSVOptions.delimiter(named: "TAB") == 9)
  #expect(try CSVOptions.delimiter(named: ";") == UInt8(ascii: ";"))
  #expect(try CSVOptions.delimiter(named: "|") == UInt8(ascii: "|"))
  for bad in ["", ";;", "\"", "\n", "，"] {
    let error = complyError { _ = try CSVOptions.delimiter(named: bad) }
    #expect(
      error?.message == "invalid delimiter '\(bad)': use one ASCII character other than '\"', or 'tab'")
  }
}

@Test func unterminatedQuoteReportsWhereItOpened() throws {
  let cases: [(String, Int, Int)] = [
    ("a,b\n1,2\n3,\"abc\ndef\n", 3, 3),
    ("a,b\n1,\"ok\"\"\n\n", 2, 3),
    ("\"a", 1, 1),
    ("名字,x\n张三,\"abc", 2, 4),
    ("a,b\r\n1,\"x\r\ny\"\r\n\"z", 4, 1),
    ("a\n" + String(repeating: "字", count: 50) + ",\"", 2, 52),
    // At chunk size 7 the first chunk ends between the two quotes of an escaped quote.
    ("字,\"x\"\"yzw", 1, 3),
  ]
  for (text, line, column) in cases {
    for size in chunkSizes {
      let error = complyError {
        let reader = try CSVReader(
          bytes: bytes(text), displayPath: "data.csv", options: CSVOptions(chunkSize: size))
        while try reader.next() {}
      }
      #expect(
        error?.description == "data.csv:\(line):\(column): unterminated quoted field",
        "\(text.debugDescription) at chunk size \(size)")
    }
  }
}

@Test func unterminatedQuoteInTheHeaderFailsInit() {
  let error = complyError { _ = try CSVReader(bytes: bytes("a,\"b\n1,2\n"), displayPath: "h.csv") }
  #expect(error?.location == SourceLocation(file: "h.csv", line: 1, column: 3))
}

@Test func nextAfterTheEndOrAnErrorStaysFalse() throws {
  let reader = try CSVReader(bytes: bytes("a\n\"x"), displayPath: "t.csv")
  #expect(throws: ComplyError.self) { try reader.next() }
  #expect(try reader.next() == false)
}

@Test func recordAPI() throws {
  let reader = try CSVReader(bytes: bytes("a,b,c\n金额,,\"x\"\"y\"\n"), displayPath: "t.csv")
  #expect(try reader.next())
  let record = reader.record
  #expect(record.count == 3)
  #expect(record.line == 2)
  #expect(record.withField(0) { Array($0) } == Array("金额".utf8))
  #expect(record.withField(1) { $0.count } == 0)
  #expect(record.isEmptyField(1))
  #expect(!record.isEmptyField(2))
  #expect(record.string(2) == "x\"y")
  #expect(try reader.next() == false)
}

@Test func wideRecordsGrowTheBuffers() throws {
  let wide = (0..<1000).map { "f\($0)" }
  let long = String(repeating: "长", count: 5000)
  let text =
    wide.joined(separator: ",") + "\n" + "\"\(long)\"," + wide.dropFirst().joined(separator: ",")
    + "\n"
  let parsed = try parseAtEveryChunkSize(bytes(text))
  #expect(parsed.header == wide)
  #expect(parsed.rows.count == 1)
  #expect(parsed.rows.first?.fields.first == long)
  #expect(parsed.rows.first?.fields.dropFirst() == wide.dropFirst())
}

@Test func missingFileIsAComplyError() {
  let error = complyError {
    _ = try CSVReader(path: "/nonexistent/dir/x.csv", displayPath: "x.csv")
  }
  #expect(error?.description == "cannot read 'x.csv': No such file or directory")
  let directory = complyError {
    _ = try CSVReader(path: NSTemporaryDirectory(), displayPath: "dir")
  }
  #expect(directory?.description == "cannot read 'dir': Is a directory")
}

/// A few megabytes read from disk at the default chunk size: every record comes back with the
/// right values and line, and the reader's buffers do not grow with the file.
@Test func largeFileStreamsInBoundedMemory() throws {
  let path = NSTemporaryDirectory() + "comply-csv-large-\(getpid()).csv"
  defer { unlink(path) }
  let rows = 100_000
  var text = "\u{FEFF}学籍号,姓名,金额,备注\r\n"
  for i in 0..<rows {
    let note = i % 7 == 0 ? "\"多行\r\n备注 \(i)\"" : "备注\(i)"
    text += "G\(100_000 + i),学生\(i),\(i % 1000).5,\(note)\r\n"
  }
  try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  let size = text.utf8.count
  #expect(size > 3_000_000)

  let reader = try CSVReader(path: path, displayPath: "large.csv")
  #expect(reader.header == ["学籍号", "姓名", "金额", "备注"])
  let initialRecordCapacity = reader.record.storage.pointee.byteCapacity
  var capacityAfterFirst = 0
  var count = 0
  var line = 2
  while try reader.next() {
    let record = reader.record
    try #require(record.line == line)
    if count == 0 { capacityAfterFirst = reader.bufferCapacity }
    if count % 997 == 0 {
      #expect(record.string(0) == "G\(100_000 + count)")
      #expect(record.string(1) == "学生\(count)")
      #expect(record.string(3) == (count % 7 == 0 ? "多行\r\n备注 \(count)" : "备注\(count)"))
    }
    line += count % 7 == 0 ? 2 : 1
    count += 1
  }
  #expect(count == rows)
  #expect(reader.bytesRead == size)
  #expect(reader.record.storage.pointee.byteCapacity == initialRecordCapacity)
  #expect(reader.bufferCapacity <= capacityAfterFirst)
  #expect(reader.bufferCapacity < 8 << 20)
}
