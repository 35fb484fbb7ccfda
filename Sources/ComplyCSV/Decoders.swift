// Decoders: turn a ByteSource into a stream of valid UTF-8 chunks for the parser. UTF-8 input
// is validated in place (copied only when a sequence needs U+FFFD); UTF-16 goes through glibc
// iconv chunk by chunk (GB18030 has its own decoder, GB18030Decoder.swift). Every decoder
// carries a multi-byte sequence cut by a chunk end over to the next chunk, and replaces invalid
// bytes by U+FFFD instead of failing.

import ComplyCore
import Glibc

/// A stream of decoded UTF-8.
protocol ChunkDecoder: AnyObject {
  /// The next non-empty piece of UTF-8, valid until the next call; nil at end of file.
  func nextChunk() throws(ComplyError) -> UnsafeBufferPointer<UInt8>?
  /// Bytes of buffer the decoder holds, for tests of bounded memory.
  var bufferCapacity: Int { get }
}

/// The longest partial sequence a decoder may have to carry from one chunk to the next.
let maxCarry = 8

/// UTF-8 input: hands out the raw chunk itself when it is valid.
final class UTF8Decoder: ChunkDecoder {
  private let source: ByteSource
  private let chunkSize: Int
  /// Raw bytes: a carried partial sequence, then up to `chunkSize` fresh bytes.
  private let raw: UnsafeMutablePointer<UInt8>
  /// Where repaired chunks are written: 3 output bytes per input byte at most.
  private let repaired: UnsafeMutablePointer<UInt8>
  /// The partial sequence at `raw[carryStart..<carryStart + carryCount]` to move to the front.
  private var carryStart = 0
  private var carryCount = 0

  init(source: ByteSource, chunkSize: Int) {
    self.source = source
    self.chunkSize = chunkSize
    raw = .allocate(capacity: chunkSize + maxCarry)
    repaired = .allocate(capacity: 3 * (chunkSize + maxCarry))
  }

  deinit {
    raw.deallocate()
    repaired.deallocate()
  }

  var bufferCapacity: Int { 4 * (chunkSize + maxCarry) }

  func nextChunk() throws(ComplyError) -> UnsafeBufferPointer<UInt8>? {
    while true {
      if carryCount > 0 { memmove(raw, raw + carryStart, carryCount) }
      let carried = carryCount
      let n = try source.read(into: raw + carried, max: chunkSize)
      let total = carried + n
      if total == 0 { return nil }
      let atEOF = n == 0
      carryCount = 0
      guard let (offset, problem) = UTF8Check.firstProblem(raw, count: total) else {
        return UnsafeBufferPointer(start: raw, count: total)
      }
      if problem == .truncated && !atEOF {
        carryStart = offset
        carryCount = total - offset
        if offset == 0 { continue }
        return UnsafeBufferPointer(start: raw, count: offset)
      }
      let (consumed, written) = UTF8Check.repair(raw, count: total, atEOF: atEOF, into: repaired)
      carryStart = consumed
      carryCount = total - consumed
      if written == 0 { continue }
      return UnsafeBufferPointer(start: repaired, count: written)
    }
  }
}

/// Input converted by glibc iconv: UTF-16, and GB18030 as the reference GB18030Decoder is
/// tested against.
final class IconvDecoder: ChunkDecoder {
  private let source: ByteSource
  private let chunkSize: Int
  private let converter: iconv_t
  /// Bytes an invalid sequence is skipped by: a UTF-16 code unit, or one GB18030 byte.
  private let unitSize: Int
  private let raw: UnsafeMutablePointer<UInt8>
  private var carryCount = 0
  private var output: UnsafeMutablePointer<UInt8>
  private var outputCapacity: Int

  init(
    source: ByteSource, encoding: TextEncoding, chunkSize: Int, displayPath: String
  ) throws(ComplyError) {
    guard let converter = iconv_open("UTF-8", encoding.iconvName),
      Int(bitPattern: converter) != -1
    else {
      throw ComplyError(
        "cannot decode '\(displayPath)' as \(encoding.rawValue): \(String(cString: strerror(errno)))"
      )
    }
    self.source = source
    self.chunkSize = chunkSize
    self.converter = converter
    unitSize = encoding == .gb18030 ? 1 : 2
    raw = .allocate(capacity: chunkSize + maxCarry)
    // UTF-16 and GB18030 grow by at most 3/2 in UTF-8, a replaced byte by 3.
    outputCapacity = 3 * (chunkSize + maxCarry)
    output = .allocate(capacity: outputCapacity)
  }

  deinit {
    iconv_close(converter)
    raw.deallocate()
    output.deallocate()
  }

  var bufferCapacity: Int { chunkSize + maxCarry + outputCapacity }

  func nextChunk() throws(ComplyError) -> UnsafeBufferPointer<UInt8>? {
    while true {
      let n = try source.read(into: raw + carryCount, max: chunkSize)
      let total = carryCount + n
      if total == 0 { return nil }
      let written = convert(total, atEOF: n == 0)
      if written > 0 { return UnsafeBufferPointer(start: output, count: written) }
    }
  }

  /// Converts `raw[0..<count]` into `output`, keeping a cut sequence in `raw` for the next
  /// chunk (unless at EOF). Returns the number of bytes written.
  private func convert(_ count: Int, atEOF: Bool) -> Int {
    let input = UnsafeMutableRawPointer(raw).assumingMemoryBound(to: CChar.self)
    let start = UnsafeMutableRawPointer(output).assumingMemoryBound(to: CChar.self)
    var inPointer: UnsafeMutablePointer<CChar>? = input
    var inLeft = count
    var outPointer: UnsafeMutablePointer<CChar>? = start
    var outLeft = outputCapacity
    func written() -> Int { outputCapacity - outLeft }
    func replace(skipping skipped: Int) {
      if outLeft < 3 { grow() }
      let o = written()
      (output[o], output[o + 1], output[o + 2]) = UTF8Check.replacement
      outPointer = outPointer.map { $0 + 3 }
      outLeft -= 3
      inPointer = inPointer.map { $0 + skipped }
      inLeft -= skipped
    }
    func grow() {
      let o = written()
      let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * outputCapacity)
      bigger.update(from: output, count: o)
      output.deallocate()
      output = bigger
      outLeft += outputCapacity
      outputCapacity *= 2
      outPointer = UnsafeMutableRawPointer(output + o).assumingMemoryBound(to: CChar.self)
    }
    conversion: while inLeft > 0 {
      if iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 { break }
      switch errno {
      case E2BIG: grow()
      case EINVAL:  // a sequence cut by the end of the input
        guard atEOF else { break conversion }
        replace(skipping: inLeft)
      default:  // EILSEQ
        replace(skipping: min(unitSize, inLeft))
      }
    }
    carryCount = inLeft
    if inLeft > 0, let rest = inPointer { memmove(raw, rest, inLeft) }
    return written()
  }
}
