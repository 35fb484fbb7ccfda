// EncodingTests: encoding detection (BOM, UTF-8 sniff, GB18030 fallback), forced encodings and
// their names, transcoding across chunk boundaries, and U+FFFD for invalid bytes.

import ComplyCore
import Testing

@testable import ComplyCSV

/// 学籍号,姓名,金额 in GBK, as Excel exports it.
private let gbkHeader: [UInt8] = [
  0xD1, 0xA7, 0xBC, 0xAE, 0xBA, 0xC5, 0x2C, 0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xBD, 0xF0, 0xB6, 0xEE,
]

@Test func gbkExportIsDetectedAsGB18030() throws {
  #expect(encode("学籍号,姓名,金额", to: "GBK") == gbkHeader)
  let bytes =
    gbkHeader + Array("\r\n".utf8) + encode("G001,张三,12.5\r\nG002,\"李,四\",-3\r\n", to: "GBK")
  let parsed = try parseAtEveryChunkSize(bytes)
  #expect(parsed.header == ["学籍号", "姓名", "金额"])
  #expect(parsed.rows == [Row(2, ["G001", "张三", "12.5"]), Row(3, ["G002", "李,四", "-3"])])
  let reader = try CSVReader(bytes: bytes, displayPath: "gbk.csv")
  #expect(reader.encoding == .gb18030)
}

/// Two- and four-byte GB18030 sequences cut at every position by tiny chunks.
@Test(arguments: [1, 2, 3, 5])
func gb18030SequencesSplitAcrossChunks(chunkSize: Int) throws {
  let text = "名,备注\n€😀,中文ÿ\n"
  let bytes = encode(text, to: "GB18030")
  #expect(bytes.contains(0x94))  // 😀 is the four-byte 94 39 FC 36
  let parsed = try parse(bytes, options: CSVOptions(chunkSize: chunkSize))
  #expect(parsed.header == ["名", "备注"])
  #expect(parsed.rows == [Row(2, ["€😀", "中文ÿ"])])
}

@Test func invalidGB18030BytesBecomeReplacementCharacters() throws {
  // 0xFF is never valid; 0x81 0x20 is a lead byte followed by an ASCII space.
  let bytes = gbkHeader + [0x0A, 0xFF, 0x2C, 0x81, 0x20, 0x2C, 0xD6, 0xD0, 0x0A, 0x31, 0x2C, 0x81]
  for size in chunkSizes {
    let parsed = try parse(bytes, options: CSVOptions(chunkSize: size))
    #expect(parsed.rows == [Row(2, ["\u{FFFD}", "\u{FFFD} ", "中"]), Row(3, ["1", "\u{FFFD}"])])
  }
}

@Test func utf16WithBOM() throws {
  let text = "学籍号,姓名\r\n1,\"张\n三\"\r\n2,😀\r\n"
  for bigEndian in [false, true] {
    let bytes = utf16(text, bigEndian: bigEndian)
    let parsed = try parseAtEveryChunkSize(bytes)
    #expect(parsed.header == ["学籍号", "姓名"])
    #expect(parsed.rows == [Row(2, ["1", "张\n三"]), Row(4, ["2", "😀"])])
    let reader = try CSVReader(bytes: bytes, displayPath: "u16.csv")
    #expect(reader.encoding == (bigEndian ? .utf16BE : .utf16LE))
  }
}

@Test func unpairedUTF16SurrogateBecomesReplacementCharacter() throws {
  // a , <D800> b LF
  let bytes: [UInt8] = [0xFF, 0xFE, 0x61, 0, 0x0A, 0, 0x00, 0xD8, 0x62, 0, 0x0A, 0]
  for size in chunkSizes {
    let parsed = try parse(bytes, options: CSVOptions(chunkSize: size))
    #expect(parsed.rows == [Row(2, ["\u{FFFD}b"])])
  }
}

@Test func invalidUTF8AfterTheSniffWindowBecomesReplacementCharacters() throws {
  // 300 CJK characters (900 non-ASCII bytes) fill the window with valid UTF-8.
  var bytes = Array("名,值\n".utf8)
  for i in 0..<100 { bytes += Array("\(i),中文字\n".utf8) }
  bytes += [0x78, 0x2C, 0xFF, 0x0A]  // x,<FF>
  bytes += [0x79, 0x2C, 0xE4, 0xB8, 0x2C, 0xAD, 0x0A]  // y,<E4 B8>,<AD>
  bytes += [0x7A, 0x2C, 0xED, 0xA0, 0x80]  // z,<surrogate D800 encoded>
  for size in chunkSizes {
    let reader = try CSVReader(
      bytes: bytes, displayPath: "t.csv", options: CSVOptions(chunkSize: size))
    #expect(reader.encoding == .utf8)
    let parsed = try parse(bytes, options: CSVOptions(chunkSize: size))
    #expect(parsed.rows.count == 103)
    #expect(parsed.rows[99] == Row(101, ["99", "中文字"]))
    #expect(parsed.rows[100] == Row(102, ["x", "\u{FFFD}"]))
    #expect(parsed.rows[101] == Row(103, ["y", "\u{FFFD}", "\u{FFFD}"]))
    #expect(parsed.rows[102] == Row(104, ["z", "\u{FFFD}\u{FFFD}\u{FFFD}"]))
  }
}

@Test func sniffWindowDecides() throws {
  // Invalid UTF-8 within the first 256 non-ASCII bytes: GB18030.
  let early = Array("a\n".utf8) + Array(String(repeating: "中", count: 80).utf8) + [0xD6, 0xD0]
  #expect(try CSVReader(bytes: early, displayPath: "t.csv").encoding == .gb18030)
  // The same byte after 256 valid non-ASCII bytes: UTF-8.
  let late = Array("a\n".utf8) + Array(String(repeating: "中", count: 90).utf8) + [0xD6, 0xD0]
  #expect(try CSVReader(bytes: late, displayPath: "t.csv").encoding == .utf8)
  // Past 1 MiB of ASCII: UTF-8, even at a tiny chunk size.
  let ascii = Array("a\n".utf8) + [UInt8](repeating: 0x61, count: 1 << 20) + [0xD6, 0xD0]
  let reader = try CSVReader(bytes: ascii, displayPath: "t.csv", options: CSVOptions(chunkSize: 7))
  #expect(reader.encoding == .utf8)
  #expect(try reader.next())
  #expect(reader.record.string(0).hasSuffix("a\u{FFFD}\u{FFFD}"))
  // A sequence cut by the end of the file is invalid UTF-8.
  #expect(try CSVReader(bytes: [0x61, 0xE4, 0xB8], displayPath: "t.csv").encoding == .gb18030)
  // Pure ASCII is UTF-8.
  #expect(try CSVReader(bytes: Array("a,b\n1,2".utf8), displayPath: "t.csv").encoding == .utf8)
}

@Test(arguments: [
  ("utf-8", TextEncoding.utf8), ("UTF8", .utf8), ("utf-8-sig", .utf8), ("utf-16", .utf16LE),
  ("UTF-16LE", .utf16LE), ("utf-16be", .utf16BE), ("gb18030", .gb18030), ("GBK", .gb18030),
  ("gb2312", .gb18030), ("cp936", .gb18030),
])
func encodingNames(name: String, encoding: TextEncoding) throws {
  #expect(try TextEncoding(name: name) == encoding)
}

@Test func unknownEncodingNameListsTheAcceptedOnes() {
  let error = complyError { _ = try TextEncoding(name: "latin1") }
  #expect(
    error?.message
      == "unknown encoding 'latin1' (accepted: utf-8, utf8, utf-8-sig, utf-16, utf-16le, utf-16be, gb18030, gbk, gb2312, cp936)"
  )
  #expect(error?.location == nil)
}

@Test func forcedEncodings() throws {
  // UTF-16LE without a BOM sniffs as UTF-8 (NUL is ASCII) but reads right when forced.
  let bare = utf16("名,x\n1,2\n", bom: false)
  let forced = try parseAtEveryChunkSize(bare, options: CSVOptions(encoding: .utf16LE))
  #expect(forced.header == ["名", "x"])
  #expect(forced.rows == [Row(2, ["1", "2"])])
  #expect(try CSVReader(bytes: bare, displayPath: "t.csv").encoding == .utf8)

  // GBK forced to UTF-8 is not transcoded: invalid bytes become U+FFFD.
  let gbk = gbkHeader + [0x0A]
  let asUTF8 = try CSVReader(bytes: gbk, displayPath: "t.csv", options: CSVOptions(encoding: .utf8))
  #expect(asUTF8.encoding == .utf8)
  #expect(asUTF8.header.first?.contains("\u{FFFD}") == true)

  // A forced encoding skips a BOM of its own kind; a forced UTF-16 follows the BOM's byte order.
  let bom = try parse(Array("\u{FEFF}a,b\n".utf8), options: CSVOptions(encoding: .utf8))
  #expect(bom.header == ["a", "b"])
  let big = try CSVReader(
    bytes: utf16("a,b\n", bigEndian: true), displayPath: "t.csv",
    options: CSVOptions(encoding: TextEncoding(name: "utf-16")))
  #expect(big.encoding == .utf16BE)
  #expect(big.header == ["a", "b"])

  // Forcing GB18030 on UTF-8 text decodes it as GB18030 (mojibake, but no sniffing).
  let utf8 = Array("中,x\n".utf8)
  let gb = try CSVReader(bytes: utf8, displayPath: "t.csv", options: CSVOptions(encoding: .gb18030))
  #expect(gb.encoding == .gb18030)
  #expect(gb.header.first != "中")
}

/// A sequence cut by the end of the file is one U+FFFD; an invalid one only replaces its lead
/// byte, the rest being decoded again.
@Test(
  arguments: [
    ([0x41, 0x81], "A\u{FFFD}"), ([0x41, 0x81, 0x30], "A\u{FFFD}"),
    ([0x81, 0x30, 0x81], "\u{FFFD}"),
    ([0x9A, 0x36, 0x0A], "\u{FFFD}6\n"), ([0x81, 0x30, 0x20], "\u{FFFD}0 "),
    ([0x84, 0x31, 0xA5, 0x30], "\u{FFFD}1\u{FFFD}"),
  ] as [([UInt8], String)])
func gb18030EndOfFile(bytes: [UInt8], decoded: String) throws {
  for size in [1, 2, 4096] {
    let decoder = try GB18030Decoder(
      source: ByteSource(bytes: bytes, displayPath: "t"), chunkSize: size, displayPath: "t")
    #expect(String(decoding: try drain(decoder), as: UTF8.self) == decoded)
  }
}

/// Everything `decoder` yields, concatenated.
private func drain(_ decoder: some ChunkDecoder) throws -> [UInt8] {
  var out: [UInt8] = []
  while let chunk = try decoder.nextChunk() {
    #expect(!chunk.isEmpty)
    out += chunk
  }
  return out
}

/// The table-driven GB18030 decoder agrees with plain iconv on every two-byte code, on
/// four-byte codes at the edges of their ranges, and on random mixes of valid and invalid bytes.
/// Inputs end in four ASCII bytes: iconv calls any tail shorter than four bytes after a lead
/// byte incomplete, even when it is invalid (`gb18030EndOfFile` covers the end of file).
@Test func gb18030FastPathMatchesIconv() throws {
  var inputs: [[UInt8]] = []
  var everyPair: [UInt8] = []
  for lead in UInt8(0x81)...0xFE {
    for trail in UInt8(0x40)...0xFE where trail != 0x7F { everyPair += [lead, trail] }
    everyPair.append(0x0A)
  }
  inputs.append(everyPair)
  let pieces: [[UInt8]] = [
    [0x41], [0x2C], [0x0A], [0x35], [0x80], [0xFF], [0x81], [0xFE], [0xD6, 0xD0], [0xA2, 0xE3],
    [0x81, 0x30, 0x81, 0x30], [0x84, 0x31, 0xA4, 0x39], [0x84, 0x31, 0xA5, 0x30],
    [0x90, 0x30, 0x81, 0x30], [0x94, 0x39, 0xFC, 0x36], [0xE3, 0x32, 0x9A, 0x35],
    [0xE3, 0x32, 0x9A, 0x36], [0xFE, 0x39, 0xFE, 0x39], [0x81, 0x30, 0x20], [0x81, 0x7F],
  ]
  var generator = SeededGenerator(seed: 18030)
  for _ in 0..<400 {
    let count = Int.random(in: 0...12, using: &generator)
    let mix = (0..<count).flatMap { _ in pieces.randomElement(using: &generator) ?? [] }
    inputs.append(mix + Array("\nxyz".utf8))
  }
  for input in inputs {
    for size in [1, 2, 3, 5, 4096] {
      let fast = try GB18030Decoder(
        source: ByteSource(bytes: input, displayPath: "t"), chunkSize: size, displayPath: "t")
      let iconv = try IconvDecoder(
        source: ByteSource(bytes: input, displayPath: "t"), encoding: .gb18030, chunkSize: size,
        displayPath: "t")
      let expected = try drain(iconv)
      #expect(try drain(fast) == expected, "\(input) at chunk size \(size)")
    }
  }
}
