// Support: helpers shared by the ComplyCSV tests: reading a whole input into plain values,
// producing GB18030 / UTF-16 bytes, a whole-input reference parser, and a seeded generator.

import ComplyCore
import Glibc
import Testing

@testable import ComplyCSV

/// One record as plain values.
struct Row: Equatable, CustomStringConvertible {
  var line: Int
  var fields: [String]

  init(_ line: Int, _ fields: [String]) {
    self.line = line
    self.fields = fields
  }

  var description: String { "\(line): \(fields)" }
}

/// Everything a reader yields for one input.
struct Parsed: Equatable {
  var header: [String]
  var headerLine: Int
  var rows: [Row]
}

/// The chunk sizes every parsing test runs at: cuts at every position, and a normal size.
let chunkSizes = [1, 2, 3, 7, 4096]

/// Reads `bytes` to the end (header, then every record).
func parse(_ bytes: [UInt8], options: CSVOptions = .init()) throws -> Parsed {
  let reader = try CSVReader(bytes: bytes, displayPath: "test.csv", options: options)
  var rows: [Row] = []
  while try reader.next() {
    rows.append(Row(reader.record.line, (0..<reader.record.count).map(reader.record.string)))
  }
  #expect(reader.bytesRead == bytes.count)
  return Parsed(header: reader.header, headerLine: reader.headerLine, rows: rows)
}

/// Reads `text` (as UTF-8) at every size of `chunkSizes`, expecting the same result at each,
/// and returns it.
func parseAtEveryChunkSize(_ bytes: [UInt8], options: CSVOptions = .init()) throws -> Parsed {
  var options = options
  options.chunkSize = 1
  let first = try parse(bytes, options: options)
  for size in chunkSizes.dropFirst() {
    options.chunkSize = size
    #expect(try parse(bytes, options: options) == first, "chunk size \(size)")
  }
  return first
}

/// The message and location of the ComplyError `body` throws.
func complyError(_ body: () throws -> Void) -> Diagnostic? {
  do {
    try body()
  } catch let error as ComplyError {
    return error.diagnostics.first
  } catch {
    Issue.record("unexpected error \(error)")
  }
  return nil
}

/// `text` encoded by glibc iconv into `encoding` (e.g. "GB18030").
func encode(_ text: String, to encoding: String) -> [UInt8] {
  guard let converter = iconv_open(encoding, "UTF-8"), Int(bitPattern: converter) != -1 else {
    Issue.record("iconv cannot encode \(encoding)")
    return []
  }
  defer { iconv_close(converter) }
  var input = Array(text.utf8).map { CChar(bitPattern: $0) }
  var output = [CChar](repeating: 0, count: 4 * input.count + 16)
  let inCount = input.count
  let outCapacity = output.count
  let written = input.withUnsafeMutableBufferPointer { inBuffer in
    output.withUnsafeMutableBufferPointer { outBuffer in
      var inPointer = inBuffer.baseAddress
      var inLeft = inCount
      var outPointer = outBuffer.baseAddress
      var outLeft = outCapacity
      let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
      #expect(result != -1)
      return outCapacity - outLeft
    }
  }
  return output.prefix(written).map { UInt8(bitPattern: $0) }
}

/// `text` as UTF-16 code units, little- or big-endian, with or without a BOM.
func utf16(_ text: String, bigEndian: Bool = false, bom: Bool = true) -> [UInt8] {
  let units = (bom ? [0xFEFF] : []) + Array(text.utf16)
  return units.flatMap { unit in
    bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
  }
}

/// The dialect the reader implements, parsed the obvious way over a whole buffer: the oracle
/// for randomized tests. Returns the records and, for an unterminated quote, its line and column.
func referenceParse(_ text: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> (
  rows: [Row], unterminated: (line: Int, column: Int)?
) {
  let quote = UInt8(ascii: "\"")
  let cr = UInt8(ascii: "\r")
  let lf = UInt8(ascii: "\n")
  let n = text.count
  var rows: [Row] = []
  var i = 0
  var line = 1
  var lineStart = 0
  func isBreak(_ at: Int) -> Bool { text[at] == cr || text[at] == lf }
  /// Consumes the line break at `i` (CR, LF or CR LF) and returns its bytes.
  func consumeBreak() -> ArraySlice<UInt8> {
    let start = i
    i += text[i] == cr && i + 1 < n && text[i + 1] == lf ? 2 : 1
    line += 1
    lineStart = i
    return text[start..<i]
  }
  while i < n {
    if isBreak(i) {
      _ = consumeBreak()
      continue
    }
    let recordLine = line
    var fields: [[UInt8]] = []
    while true {
      var field: [UInt8] = []
      if i < n && text[i] == quote {
        let column = String(decoding: text[lineStart..<i], as: UTF8.self).unicodeScalars.count + 1
        let quoteLine = line
        i += 1
        var closed = false
        while i < n && !closed {
          if text[i] == quote && i + 1 < n && text[i + 1] == quote {
            field.append(quote)
            i += 2
          } else if text[i] == quote {
            i += 1
            closed = true
          } else if isBreak(i) {
            field += consumeBreak()
          } else {
            field.append(text[i])
            i += 1
          }
        }
        if !closed { return (rows, (quoteLine, column)) }
      }
      while i < n && text[i] != delimiter && !isBreak(i) {
        field.append(text[i])
        i += 1
      }
      fields.append(field)
      if i == n { break }
      if isBreak(i) {
        _ = consumeBreak()
        break
      }
      i += 1  // the delimiter
      if i == n {
        fields.append([])
        break
      }
    }
    rows.append(Row(recordLine, fields.map { String(decoding: $0, as: UTF8.self) }))
  }
  return (rows, nil)
}

/// A small deterministic random generator (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
