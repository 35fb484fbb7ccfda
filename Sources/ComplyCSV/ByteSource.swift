// ByteSource: the raw bytes of one input, read with read(2) from a file or copied from memory,
// behind a read-ahead buffer that the encoding sniff fills and the decoder drains first.

import ComplyCore
import Glibc

/// One input's raw bytes, handed out in order: read-ahead bytes first, then the origin's.
final class ByteSource {
  private enum Origin {
    case file(Int32)
    case memory([UInt8])
  }

  private let origin: Origin
  private let displayPath: String
  /// Next unread offset of a memory origin.
  private var memoryOffset = 0
  /// Bytes read from the origin ahead of the decoder (the encoding sniff's window), of which
  /// the first `readAheadOffset` were handed out; released once all are.
  private(set) var readAhead: [UInt8] = []
  private var readAheadOffset = 0
  /// True once the origin returned end of file.
  private(set) var originExhausted = false
  /// Raw bytes handed out (or skipped) so far.
  private(set) var delivered = 0

  /// Sees every byte read from the origin, once and in order (the engine hashes the file
  /// for the report's provenance as it streams).
  private let observe: ((UnsafeBufferPointer<UInt8>) -> Void)?

  /// Opens `path`; failure is "cannot read 'displayPath': <strerror>".
  init(
    path: String, displayPath: String, observe: ((UnsafeBufferPointer<UInt8>) -> Void)? = nil
  ) throws(ComplyError) {
    self.observe = observe
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw Self.readError(displayPath) }
    _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
    origin = .file(fd)
    self.displayPath = displayPath
  }

  init(bytes: [UInt8], displayPath: String) {
    observe = nil
    origin = .memory(bytes)
    self.displayPath = displayPath
  }

  deinit {
    if case .file(let fd) = origin { close(fd) }
  }

  /// Appends up to `count` more bytes of the origin to the read-ahead buffer; false at EOF.
  func readMore(_ count: Int) throws(ComplyError) -> Bool {
    let old = readAhead.count
    var n = 0
    readAhead.append(contentsOf: repeatElement(0, count: count))
    defer { readAhead.removeLast(count - n) }
    n = try readAhead.withUnsafeMutableBufferPointer { (buffer) throws(ComplyError) -> Int in
      guard let base = buffer.baseAddress else { return 0 }
      return try readOrigin(into: base + old, max: count)
    }
    return n > 0
  }

  /// Drops the first `count` read-ahead bytes (a byte-order mark).
  func skip(_ count: Int) {
    readAheadOffset += count
    delivered += count
  }

  /// Copies up to `max` next bytes to `buffer`: read-ahead bytes first, then the origin.
  /// Returns 0 only at end of file.
  func read(into buffer: UnsafeMutablePointer<UInt8>, max: Int) throws(ComplyError) -> Int {
    let n: Int
    if readAheadOffset < readAhead.count {
      n = min(max, readAhead.count - readAheadOffset)
      readAhead.withUnsafeBufferPointer { ahead in
        if let base = ahead.baseAddress { buffer.update(from: base + readAheadOffset, count: n) }
      }
      readAheadOffset += n
      if readAheadOffset == readAhead.count {
        readAhead = []
        readAheadOffset = 0
      }
    } else {
      n = try readOrigin(into: buffer, max: max)
    }
    delivered += n
    return n
  }

  private func readOrigin(into buffer: UnsafeMutablePointer<UInt8>, max: Int) throws(ComplyError)
    -> Int
  {
    if originExhausted { return 0 }
    let n: Int
    switch origin {
    case .file(let fd):
      var got = 0
      repeat { got = Glibc.read(fd, buffer, max) } while got < 0 && errno == EINTR
      guard got >= 0 else { throw Self.readError(displayPath) }
      n = got
    case .memory(let bytes):
      n = min(max, bytes.count - memoryOffset)
      bytes.withUnsafeBufferPointer { source in
        if let base = source.baseAddress { buffer.update(from: base + memoryOffset, count: n) }
      }
      memoryOffset += n
    }
    if n == 0 { originExhausted = true }
    observe?(UnsafeBufferPointer(start: buffer, count: n))
    return n
  }

  /// "cannot read 'path': <strerror(errno)>".
  private static func readError(_ displayPath: String) -> ComplyError {
    ComplyError("cannot read '\(displayPath)': \(String(cString: strerror(errno)))")
  }
}
