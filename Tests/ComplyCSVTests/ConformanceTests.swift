// ConformanceTests: the public csv-spectrum suite (shared/conformance/csv-spectrum, a sibling of
// the repository) in LF and CRLF forms at several chunk sizes, and randomized inputs checked
// against a whole-buffer reference parser, in UTF-8, GB18030 and UTF-16, short and with long
// field runs.

import Foundation
import Testing

@testable import ComplyCSV

/// …/Tests/ComplyCSVTests/ConformanceTests.swift → …/shared/conformance/csv-spectrum.
private let spectrumDirectory = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("shared/conformance/csv-spectrum")

/// The suite's case names (`csvs/NAME.csv` with `json/NAME.json`).
private let spectrumCases: [String] = {
  let csvs = spectrumDirectory.appendingPathComponent("csvs")
  let names = (try? FileManager.default.contentsOfDirectory(atPath: csvs.path)) ?? []
  return names.filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }.sorted()
}()

/// Known errors in the suite's expected data: (case, column, value in the JSON, value the CSV
/// actually holds). location_coordinates.json expects a phone number the CSV does not contain
/// (upstream issue max-mapper/csv-spectrum#20).
private let spectrumErrata = [
  ("location_coordinates", "Contact Phone Number", "1234567890", "2095257564")
]

private enum LineEnding: String, CaseIterable {
  case lf, crlf
}

private func replacing(_ bytes: [UInt8], _ old: [UInt8], with new: [UInt8]) -> [UInt8] {
  var out: [UInt8] = []
  var i = 0
  while i < bytes.count {
    if bytes[i...].starts(with: old) {
      out += new
      i += old.count
    } else {
      out.append(bytes[i])
      i += 1
    }
  }
  return out
}

@Test func spectrumSuiteIsPresent() {
  #expect(spectrumCases.count >= 12, "csv-spectrum not found at \(spectrumDirectory.path)")
  #expect(spectrumCases.contains("quotes_and_newlines"))
}

/// Each case in LF form (CR LF turned into LF) and CRLF form (every LF turned into CR LF,
/// inside quoted fields too). Expected values get the same treatment, so the `_crlf` cases,
/// whose stored CSVs lost their CRs while their JSON kept "\r\n", check out in both forms.
@Test(arguments: spectrumCases, LineEnding.allCases)
private func spectrum(_ name: String, _ ending: LineEnding) throws {
  let csvURL = spectrumDirectory.appendingPathComponent("csvs/\(name).csv")
  let jsonURL = spectrumDirectory.appendingPathComponent("json/\(name).json")
  let lfBytes = replacing(Array(try Data(contentsOf: csvURL)), [13, 10], with: [10])
  let bytes = ending == .lf ? lfBytes : replacing(lfBytes, [10], with: [13, 10])
  let json = try JSONSerialization.jsonObject(with: Data(contentsOf: jsonURL))
  let objects = try #require(
    (json as? [[String: String]]) ?? (json as? [String: String]).map { [$0] })
  let expected = objects.map { object in
    object.mapValues { value -> String in
      let lf = value.replacingOccurrences(of: "\r\n", with: "\n")
      return ending == .lf ? lf : lf.replacingOccurrences(of: "\n", with: "\r\n")
    }
  }

  let parsed = try parseAtEveryChunkSize(bytes)
  #expect(parsed.headerLine == 1)
  #expect(Set(parsed.header) == Set(expected.first?.keys.map { $0 } ?? []))
  #expect(parsed.rows.count == expected.count)
  for (row, object) in zip(parsed.rows, expected) {
    #expect(row.fields.count == parsed.header.count)
    var want = object
    for (errataCase, column, wrong, actual) in spectrumErrata
    where errataCase == name && want[column] == wrong {
      want[column] = actual
    }
    #expect(Dictionary(uniqueKeysWithValues: zip(parsed.header, row.fields)) == want)
  }
}

/// Random CSV-ish text over an alphabet dense in delimiters, quotes and line breaks.
private func randomCSV(_ generator: inout SeededGenerator) -> String {
  let alphabet = ["a", "b", "中", "é", ",", ",", "\"", "\"", "\"\"", "\r", "\n", "\n", "\r\n", " "]
  let length = Int.random(in: 0...80, using: &generator)
  return (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "" }.joined()
}

/// Random text with runs of field bytes long enough to fill the reader's 16-byte blocks, so
/// that delimiters, quotes and line breaks fall on every position of a block.
private func randomLongCSV(_ generator: inout SeededGenerator) -> String {
  let alphabet = [
    "abcdefghijklmn", "中文字段", "a", "中", ",", ",", ",", "\"", "\"\"", "\r", "\n", "\r\n", " ",
  ]
  let length = Int.random(in: 0...120, using: &generator)
  return (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "" }.joined()
}

/// Reads `bytes` at every chunk size and compares with the reference parse of `text`.
private func expectMatchesReference(_ text: String, _ bytes: [UInt8], encoding: TextEncoding?) {
  let (rows, unterminated) = referenceParse(Array(text.utf8))
  for size in chunkSizes {
    var got: [Row] = []
    let error = complyError {
      let reader = try CSVReader(
        bytes: bytes, displayPath: "r.csv", options: CSVOptions(encoding: encoding, chunkSize: size)
      )
      if reader.record.count > 0 {
        got.append(Row(reader.record.line, (0..<reader.record.count).map(reader.record.string)))
      }
      while try reader.next() {
        got.append(Row(reader.record.line, (0..<reader.record.count).map(reader.record.string)))
      }
    }
    #expect(got == rows, "text \(text.debugDescription), chunk size \(size)")
    if let unterminated {
      #expect(error?.message == "unterminated quoted field")
      #expect(error?.location?.line == unterminated.line, "text \(text.debugDescription)")
      #expect(error?.location?.column == unterminated.column, "text \(text.debugDescription)")
    } else {
      #expect(error == nil, "text \(text.debugDescription)")
    }
  }
}

@Test(arguments: 0..<400)
func randomTextMatchesReference(seed: Int) {
  var generator = SeededGenerator(seed: UInt64(seed))
  let text = randomCSV(&generator)
  expectMatchesReference(text, Array(text.utf8), encoding: nil)
}

@Test(arguments: 0..<300)
func randomLongTextMatchesReference(seed: Int) {
  var generator = SeededGenerator(seed: UInt64(seed) + 20_000)
  let text = randomLongCSV(&generator)
  // Forced: a short text of few Chinese characters can also be read as GB18030.
  expectMatchesReference(text, Array(text.utf8), encoding: .utf8)
}

@Test(arguments: 0..<150)
func randomTextMatchesReferenceInOtherEncodings(seed: Int) {
  var generator = SeededGenerator(seed: UInt64(seed) + 10_000)
  let text = randomCSV(&generator)
  expectMatchesReference(text, encode(text, to: "GB18030"), encoding: .gb18030)
  expectMatchesReference(text, utf16(text, bigEndian: false), encoding: nil)
  expectMatchesReference(text, utf16(text, bigEndian: true), encoding: nil)
}
