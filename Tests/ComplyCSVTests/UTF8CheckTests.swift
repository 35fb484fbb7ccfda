// UTF8CheckTests: the validator's block and three-byte fast paths against the plain
// sequence-by-sequence classification, on random mixes of valid and broken sequences placed
// across every block boundary.

import Testing

@testable import ComplyCSV

/// Pieces of UTF-8, mostly ASCII and common Chinese (the fast paths), some of every other kind.
private let pieces: [[UInt8]] = [
  Array("a".utf8), Array(",".utf8), Array("\n".utf8), Array("2024-09-01".utf8),
  Array("中".utf8), Array("午餐费".utf8), Array("城关一小".utf8), Array("\u{1000}\u{FFFF}".utf8),
  Array("é".utf8),  // two bytes
  [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF],  // three bytes with a narrow second byte
  Array("😀".utf8),  // four bytes
  [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],  // over-long, surrogate
  [0x80], [0xBF], [0xFF], [0xC0, 0xAF], [0xF5, 0x80],  // stray or never-valid bytes
  [0xE4], [0xE4, 0xB8], [0xF0, 0x9F, 0x98],  // cut sequences
]

/// `firstProblem` without fast paths: each sequence classified by `UTF8Check.sequence`.
private func plainFirstProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, UTF8Check.Problem)? {
  var i = 0
  while i < bytes.count {
    if bytes[i] < 0x80 {
      i += 1
      continue
    }
    switch UTF8Check.sequence(bytes, at: i) {
    case .valid(let length): i += length
    case .invalid(let length): return (i, .invalid(length))
    case .truncated: return (i, .truncated)
    }
  }
  return nil
}

/// Random text, broken pieces rare enough that long valid runs (whole blocks) occur.
private func randomText(_ generator: inout SeededGenerator) -> [UInt8] {
  let count = Int.random(in: 0...60, using: &generator)
  var bytes: [UInt8] = []
  for _ in 0..<count {
    let common = Int.random(in: 0..<10, using: &generator) < 9
    let range = common ? 0..<8 : 0..<pieces.count
    bytes += pieces[Int.random(in: range, using: &generator)]
  }
  return bytes
}

@Test(arguments: 0..<300)
func firstProblemMatchesPlainClassification(seed: Int) {
  var generator = SeededGenerator(seed: UInt64(seed))
  let bytes = randomText(&generator)
  bytes.withUnsafeBufferPointer { all in
    // Every suffix, so that each piece meets each position in a block.
    for start in 0..<max(1, all.count) {
      let buffer = UnsafeBufferPointer(rebasing: all[min(start, all.count)...])
      let expected = plainFirstProblem(buffer)
      let found = buffer.baseAddress.flatMap { UTF8Check.firstProblem($0, count: buffer.count) }
      #expect(found?.offset == expected?.0 && found?.problem == expected?.1, "seed \(seed)")
    }
  }
}

@Test(arguments: 0..<100)
func repairMatchesSwiftDecoding(seed: Int) {
  var generator = SeededGenerator(seed: UInt64(seed) + 1_000)
  let bytes = randomText(&generator)
  var out = [UInt8](repeating: 0, count: 3 * bytes.count)
  let (consumed, written) = bytes.withUnsafeBufferPointer { input in
    out.withUnsafeMutableBufferPointer { output in
      guard let base = input.baseAddress, let into = output.baseAddress else { return (0, 0) }
      return UTF8Check.repair(base, count: input.count, atEOF: true, into: into)
    }
  }
  #expect(consumed == bytes.count)
  #expect(Array(out[..<written]) == Array(String(decoding: bytes, as: UTF8.self).utf8))
}
