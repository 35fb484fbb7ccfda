// GB18030Decoder: the fast path for GBK / GB18030 exports. ASCII and two-byte codes (nearly
// all of a Chinese export) are decoded by a table that glibc iconv fills once per process;
// four-byte codes (rare characters, emoji) go through iconv one at a time. Invalid bytes become
// U+FFFD, one per byte, as with iconv; a sequence cut by a chunk end is carried over.

import ComplyCore
import Glibc

/// The scalar of each two-byte GB18030 code, at (lead − 0x81) × 191 + (trail − 0x40); 0 where
/// iconv rejects the code. Nil when glibc has no GB18030 converter. Built on first use.
let gb18030TwoByteTable: [UInt32]? = {
  guard let converter = iconv_open("UTF-32LE", "GB18030"), Int(bitPattern: converter) != -1 else {
    return nil
  }
  defer { iconv_close(converter) }
  var table = [UInt32](repeating: 0, count: 126 * 191)
  for lead in 0x81...0xFE {
    for trail in 0x40...0xFE where trail != 0x7F {
      table[(lead - 0x81) * 191 + (trail - 0x40)] =
        convertOne(converter, [UInt8(lead), UInt8(trail)]) ?? 0
    }
  }
  return table
}()

/// The scalar iconv `converter` (to UTF-32LE) makes of exactly the bytes `code`, or nil.
private func convertOne(_ converter: iconv_t, _ code: [UInt8]) -> UInt32? {
  var input = code.map { CChar(bitPattern: $0) }
  var scalar: UInt32 = 0
  let count = input.count
  let converted = input.withUnsafeMutableBufferPointer { inBuffer in
    withUnsafeMutableBytes(of: &scalar) { outBuffer in
      var inPointer = inBuffer.baseAddress
      var inLeft = count
      var outPointer = outBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
      var outLeft = 4
      let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
      return result != -1 && inLeft == 0 && outLeft == 0
    }
  }
  guard converted else {
    _ = iconv(converter, nil, nil, nil, nil)  // back to the initial state
    return nil
  }
  return UInt32(littleEndian: scalar)
}

/// GB18030 (and so GBK, GB2312, CP936) input: table-driven, iconv for four-byte codes.
final class GB18030Decoder: ChunkDecoder {
  private let source: ByteSource
  private let chunkSize: Int
  private let table: [UInt32]
  /// Converts one four-byte code at a time.
  private let fourByte: iconv_t
  /// Raw bytes: a carried partial sequence, then up to `chunkSize` fresh bytes.
  private let raw: UnsafeMutablePointer<UInt8>
  private var carryCount = 0
  /// Decoded UTF-8: at most 3 bytes per raw byte.
  private let output: UnsafeMutablePointer<UInt8>

  init(source: ByteSource, chunkSize: Int, displayPath: String) throws(ComplyError) {
    guard let table = gb18030TwoByteTable, let converter = iconv_open("UTF-32LE", "GB18030"),
      Int(bitPattern: converter) != -1
    else {
      throw ComplyError(
        "cannot decode '\(displayPath)' as gb18030: \(String(cString: strerror(errno)))")
    }
    self.source = source
    self.chunkSize = chunkSize
    self.table = table
    fourByte = converter
    raw = .allocate(capacity: chunkSize + maxCarry)
    output = .allocate(capacity: 3 * (chunkSize + maxCarry))
  }

  deinit {
    iconv_close(fourByte)
    raw.deallocate()
    output.deallocate()
  }

  var bufferCapacity: Int { 4 * (chunkSize + maxCarry) }

  func nextChunk() throws(ComplyError) -> UnsafeBufferPointer<UInt8>? {
    while true {
      let n = try source.read(into: raw + carryCount, max: chunkSize)
      let total = carryCount + n
      if total == 0 { return nil }
      let (consumed, written) = decode(total, atEOF: n == 0)
      carryCount = total - consumed
      if carryCount > 0 { memmove(raw, raw + consumed, carryCount) }
      if written > 0 { return UnsafeBufferPointer(start: output, count: written) }
    }
  }

  /// Decodes `raw[0..<count]` into `output`, stopping before a sequence cut by the end of the
  /// input unless at EOF (then it becomes one U+FFFD). Returns (bytes consumed, bytes written).
  private func decode(_ count: Int, atEOF: Bool) -> (Int, Int) {
    var i = 0
    var o = 0
    @inline(__always) func put(_ scalar: UInt32) {
      switch scalar {
      case ..<0x80:
        output[o] = UInt8(scalar)
        o += 1
      case ..<0x800:
        output[o] = UInt8(0xC0 | scalar >> 6)
        output[o + 1] = UInt8(0x80 | scalar & 0x3F)
        o += 2
      case ..<0x10000:
        output[o] = UInt8(0xE0 | scalar >> 12)
        output[o + 1] = UInt8(0x80 | scalar >> 6 & 0x3F)
        output[o + 2] = UInt8(0x80 | scalar & 0x3F)
        o += 3
      default:
        output[o] = UInt8(0xF0 | scalar >> 18)
        output[o + 1] = UInt8(0x80 | scalar >> 12 & 0x3F)
        output[o + 2] = UInt8(0x80 | scalar >> 6 & 0x3F)
        output[o + 3] = UInt8(0x80 | scalar & 0x3F)
        o += 4
      }
    }
    while i < count {
      // ASCII eight bytes at a time.
      while i + 8 <= count {
        let word = UnsafeRawPointer(raw + i).loadUnaligned(as: UInt64.self)
        if word & 0x8080_8080_8080_8080 != 0 { break }
        UnsafeMutableRawPointer(output + o).storeBytes(of: word, as: UInt64.self)
        i += 8
        o += 8
      }
      guard i < count else { break }
      let lead = raw[i]
      if lead < 0x80 {
        output[o] = lead
        i += 1
        o += 1
        continue
      }
      // A lead byte (0x81–0xFE), then 0x40–0x7E or 0x80–0xFE, or a digit starting a four-byte
      // code: digit, 0x81–0xFE, digit. `length` is 2 or 4 for a complete code, 0 for an
      // invalid one, -1 for one cut by the end of the input.
      var length = 0
      if lead != 0x80 && lead != 0xFF {
        if i + 1 == count {
          length = -1
        } else {
          switch raw[i + 1] {
          case 0x40...0x7E, 0x80...0xFE: length = 2
          case 0x30...0x39:
            if i + 2 == count {
              length = -1
            } else if (0x81...0xFE).contains(raw[i + 2]) {
              length = i + 3 == count ? -1 : (0x30...0x39).contains(raw[i + 3]) ? 4 : 0
            }
          default: break
          }
        }
      }
      if length == -1 && !atEOF { break }  // cut by the chunk end: carry it over
      var scalar: UInt32 = 0
      if length == 2 {
        scalar = table[Int(lead &- 0x81) &* 191 &+ Int(raw[i + 1] &- 0x40)]
      } else if length == 4 {
        scalar = convertOne(fourByte, Array(UnsafeBufferPointer(start: raw + i, count: 4))) ?? 0
      }
      if scalar != 0 {
        put(scalar)
        i += length
      } else {
        put(0xFFFD)
        i += length == -1 ? count - i : 1
      }
    }
    return (i, o)
  }
}
