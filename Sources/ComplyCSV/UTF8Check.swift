// UTF8Check: UTF-8 validation for the encoding sniff and for the pass-through decoder, which
// replaces each invalid sequence by U+FFFD (one per maximal subpart, as the Unicode standard
// recommends and Swift's `String(decoding:as:)` does) so the parser only ever sees valid UTF-8.

enum UTF8Check {
  /// What starts at a non-ASCII byte.
  enum Sequence: Equatable {
    /// A complete, well-formed sequence of this many bytes.
    case valid(Int)
    /// Ill-formed: this many bytes (a maximal subpart, at least 1) become one U+FFFD.
    case invalid(Int)
    /// A well-formed prefix that the end of the buffer cuts.
    case truncated
  }

  /// The bytes of U+FFFD REPLACEMENT CHARACTER.
  static let replacement: (UInt8, UInt8, UInt8) = (0xEF, 0xBF, 0xBD)

  /// Classifies the sequence whose lead byte (≥ 0x80) is `base[i]`, `count` bytes being readable.
  @inline(__always)
  static func sequence(_ base: UnsafePointer<UInt8>, count: Int, at i: Int) -> Sequence {
    let lead = base[i]
    let length: Int
    var low: UInt8 = 0x80  // the range of the byte after the lead (Unicode table 3-7)
    var high: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      high = 0x9F
    case 0xF0:
      length = 4
      low = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      high = 0x8F
    default: return .invalid(1)
    }
    for k in 1..<length {
      guard i + k < count else { return .truncated }
      let b = base[i + k]
      if k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xBF) { return .invalid(k) }
    }
    return .valid(length)
  }

  static func sequence(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Sequence {
    guard let base = bytes.baseAddress else { return .truncated }
    return sequence(base, count: bytes.count, at: i)
  }

  /// Why a buffer is not entirely valid UTF-8.
  enum Problem: Equatable {
    /// An ill-formed sequence of this many bytes (one U+FFFD replaces them).
    case invalid(Int)
    /// A well-formed prefix cut by the end of the buffer.
    case truncated
  }

  /// The offset and kind of the first sequence in `base[0..<count]` that is not complete and
  /// valid, or nil when the whole buffer is valid UTF-8.
  static func firstProblem(_ base: UnsafePointer<UInt8>, count: Int) -> (
    offset: Int, problem: Problem
  )? {
    var i = 0
    while i < count {
      // Whole blocks first (see `isCommonBlock`); a block is read with the two bytes before it,
      // so the first two bytes of the buffer go the sequence way.
      if i >= 2 {
        while i &+ 16 <= count && isCommonBlock(base + i) { i &+= 16 }
        // Back to the start of a sequence the last block's lead bytes began.
        if isCommonLead(base[i &- 1]) {
          i &-= 1
        } else if isCommonLead(base[i &- 2]) {
          i &-= 2
        }
      }
      // Sequence by sequence until at least 16 bytes are behind, then blocks again.
      let blockEnd = min(count, i &+ 16)
      while i < blockEnd {
        let lead = base[i]
        if lead < 0x80 {
          i &+= 1
          continue
        }
        // Most Chinese text: a three-byte sequence whose second byte may be any continuation
        // byte (leads E1–EC, EE, EF), checked without the general classification.
        if isCommonLead(lead), i &+ 2 < count,
          base[i &+ 1] & 0xC0 == 0x80, base[i &+ 2] & 0xC0 == 0x80
        {
          i &+= 3
          continue
        }
        switch sequence(base, count: count, at: i) {
        case .valid(let length): i &+= length
        case .invalid(let length): return (i, .invalid(length))
        case .truncated: return (i, .truncated)
        }
      }
    }
    return nil
  }

  /// A lead byte of a three-byte sequence whose second byte may be any continuation byte.
  @inline(__always)
  private static func isCommonLead(_ byte: UInt8) -> Bool {
    byte &- 0xE1 < 0x0F && byte != 0xED
  }

  /// Whether the 16 bytes at `p` are ASCII, common three-byte leads (`isCommonLead`) and
  /// exactly the continuation bytes those leads (here or in the two bytes before `p`) call for.
  /// Such a block holds only valid sequences, the last of which may go on past it.
  ///
  /// Fast path, because the data is mostly ASCII and Chinese: validating the 126 MB of the
  /// 1M-row fee files took 47–52 ms sequence by sequence, 10–14 ms 16 bytes at a time (best of
  /// 5 in-process runs); the 1M-row FEE-FUTURE-DATE check with one worker went from 0.42 to
  /// 0.38 user s (medians of 7 alternating pairs).
  @inline(__always)
  private static func isCommonBlock(_ p: UnsafePointer<UInt8>) -> Bool {
    let raw = UnsafeRawPointer(p)
    let bytes = raw.loadUnaligned(as: Block.self)
    let isContinuation = (bytes & Block(repeating: 0xC0)) .== Block(repeating: 0x80)
    let continuationDue =
      isCommonLead(raw.loadUnaligned(fromByteOffset: -1, as: Block.self))
      .| isCommonLead(raw.loadUnaligned(fromByteOffset: -2, as: Block.self))
    // Bytes that need the general classification: C0–DF, E0, ED, F0–FF.
    let isOther =
      ((bytes & Block(repeating: 0xE0)) .== Block(repeating: 0xC0))
      .| ((bytes & Block(repeating: 0xF0)) .== Block(repeating: 0xF0))
      .| (bytes .== Block(repeating: 0xE0)) .| (bytes .== Block(repeating: 0xED))
    let wrong = (isContinuation .^ continuationDue) .| isOther
    let (low, high) = unsafeBitCast(wrong, to: (UInt64, UInt64).self)
    return low | high == 0
  }

  /// `isCommonLead` for each byte of a block.
  @inline(__always)
  private static func isCommonLead(_ bytes: Block) -> SIMDMask<SIMD16<Int8>> {
    // E0–EF but E0 and ED: the two are in the first mask, so `.^` takes them out.
    ((bytes & Block(repeating: 0xF0)) .== Block(repeating: 0xE0))
      .^ (bytes .== Block(repeating: 0xE0)) .^ (bytes .== Block(repeating: 0xED))
  }

  /// Copies `base[0..<count]` to `out`, each ill-formed sequence replaced by U+FFFD. A sequence
  /// cut by the end of the input is left unconsumed unless `atEOF` (then it is replaced too).
  /// `out` must hold `3 * count` bytes. Returns (input bytes consumed, output bytes written).
  static func repair(
    _ base: UnsafePointer<UInt8>, count: Int, atEOF: Bool, into out: UnsafeMutablePointer<UInt8>
  ) -> (consumed: Int, written: Int) {
    var i = 0
    var o = 0
    while true {
      guard let (offset, problem) = firstProblem(base + i, count: count - i) else {
        (out + o).update(from: base + i, count: count - i)
        return (count, o + count - i)
      }
      (out + o).update(from: base + i, count: offset)
      i += offset
      o += offset
      let replaced: Int
      switch problem {
      case .invalid(let length): replaced = length
      case .truncated:
        guard atEOF else { return (i, o) }
        replaced = count - i
      }
      (out[o], out[o + 1], out[o + 2]) = replacement
      o += 3
      i += replaced
    }
  }
}
