// CSVReader: the streaming CSV parser. It owns the pipeline
//   ByteSource (read(2), chunkSize bytes at a time) → ChunkDecoder (valid UTF-8 chunks)
//   → a byte-level state machine that fills one reused CSVRecord,
// plus encoding detection, delimiter detection and the header. Memory is bounded by the chunk
// size, the 1 MiB sniff window and the widest record, never by the file size.
//
// The state machine runs over decoded UTF-8. Delimiter, '"', CR and LF are ASCII and never
// occur inside a multi-byte character, so bytes are compared one by one. States:
//   recordStart   between records; a CR or LF here ends an empty line, which is skipped.
//   fieldStart    at the first byte of a field; '"' opens a quoted field.
//   unquoted      inside a field that did not open with '"'; quotes in it are literal.
//   quoted        inside "…"; delimiter, CR and LF are data.
//   quoteInQuoted just after a '"' inside "…": '"' is an escaped quote; delimiter, CR or LF
//                 ends the field; any other byte is kept literally and the field goes on
//                 unquoted (lenient, like rust-csv).
// Invariants:
//  1. Every decoded byte is consumed exactly once, in one state, and the state variables carry
//     all context across a chunk boundary (nothing looks back into an earlier chunk), so the
//     result does not depend on where chunks are cut.
//  2. `line` is the physical line of the next unconsumed byte. Each line break consumed,
//     quoted or not, adds one; a break is LF, CR or CR LF: `crPending` says the last consumed
//     byte was a CR break, so an LF right after it belongs to the same break.
//  3. `record.line` is set when recordStart meets the first byte of a record.
//  4. The record's byte buffer holds the unescaped bytes of its completed fields, each followed
//     by one byte of no meaning (where the delimiter was), then those of the field in progress;
//     its end-offset array has one entry per completed field. A field ends only at a
//     delimiter, at the line break ending the record, or at end of file.
//  5. `next()` returns with `state == .recordStart` and the record's counts committed.
//  6. `lineStart` is the chunk offset where the current physical line starts, or -1 when it
//     started in an earlier chunk, `charsBeforeChunk` then counting its characters there. An
//     opening quote records this in `openQuote`; its column is only computed if the quoted
//     field may still be open when its chunk is replaced (in `quoted`, or in `quoteInQuoted`,
//     which an escaped quote leaves for `quoted`), i.e. mostly on the way to an error.
//
// Speed: field bytes are scanned sixteen at a time (`Block`, SIMD compares to one bit per byte):
// each block is stored to the record buffer whole, which keeps sixteen bytes of slack, and only
// the bytes before the first stop byte (quote, CR, LF) are counted. In unquoted fields every
// delimiter before the first stop ends a field where it stands: the delimiter is the byte of no
// meaning after the field (invariant 4), so a block of several fields is stored once and never
// moved, and a quote stops the block only to be kept as a literal or, right after a delimiter,
// to open a quoted field. Against the word-at-a-time loop it replaces (eight bytes, ending at
// each delimiter): scan's samples in a profile of reading the 1M-row fee files 4,160 → 3,450;
// 10M-row FEE-FUTURE-DATE with one worker 3.60–4.60 → 3.30–4.62 user s, lower in 5 of 6
// alternating pairs (medians 3.89 → 3.46). A block's compare mask becomes bits with SSE2's
// `pmovmskb` (CByteMask), not the two multiplies and shifts written in Swift before: scan's
// share of reading the 1M-row fee files with one cheap rule, perf, 93 → 62 ms.
// State and record buffers sit behind pointers held in
// `let`s and are copied to locals for the loop, so no dynamic exclusivity check or allocation
// happens per field or per record.

internal import CByteMask
import ComplyCore

/// How a file is read. Unset members are detected per file.
public struct CSVOptions: Sendable {
  /// The input encoding; nil detects it (BOM, else UTF-8 if valid, else GB18030).
  public var encoding: TextEncoding?
  /// The field delimiter byte (ASCII, not '"', CR or LF); nil detects ',' or tab.
  public var delimiter: UInt8?
  /// Raw bytes read per read(2) call (values below 1 count as 1).
  public var chunkSize: Int = 1 << 20

  public init(encoding: TextEncoding? = nil, delimiter: UInt8? = nil, chunkSize: Int = 1 << 20) {
    self.encoding = encoding
    self.delimiter = delimiter
    self.chunkSize = chunkSize
  }

  /// The delimiter byte a user-facing name selects: `tab`, or one ASCII character other than
  /// '"', CR and LF.
  public static func delimiter(named name: String) throws(ComplyError) -> UInt8 {
    if name.lowercased() == "tab" { return tab }
    guard name.utf8.count == 1, let byte = name.utf8.first, isValidDelimiter(byte) else {
      throw ComplyError(
        "invalid delimiter '\(name)': use one ASCII character other than '\"', or 'tab'")
    }
    return byte
  }

  static func isValidDelimiter(_ byte: UInt8) -> Bool {
    byte < 0x80 && byte != quote && byte != cr && byte != lf
  }
}

/// Reads a CSV file record by record in constant memory. The header is read by `init`; each
/// `next()` then refills `record` with the next data record.
public final class CSVReader {
  /// The file name used in diagnostics.
  public let displayPath: String
  /// The header's field names, trimmed of spaces and of a BOM; empty for an empty file.
  public private(set) var header: [String] = []
  /// The physical line of the header (1 unless the file starts with empty lines).
  public private(set) var headerLine = 1
  /// The detected or forced encoding.
  public private(set) var encoding: TextEncoding
  /// The detected or forced delimiter byte.
  public private(set) var delimiter: UInt8
  /// Raw file bytes consumed so far (for a progress bar).
  public private(set) var bytesRead = 0
  /// The current record, overwritten by every `next()`.
  public let record = CSVRecord()

  private let source: ByteSource
  private let decoder: any ChunkDecoder
  private let chunkSize: Int
  /// The delimiter in every lane of a block, for the block-at-a-time scan.
  private let delimiterLanes: Block
  /// Decoded bytes read ahead to detect the delimiter, parsed before the decoder's next chunk.
  private var lookahead: UnsafeMutablePointer<UInt8>?
  private var lookaheadCount = 0
  private var lookaheadOffset = 0

  /// The state machine's variables, copied to a local while `scan()` runs. Behind a pointer
  /// (a `let`), so the hot path pays no dynamic exclusivity checks.
  private let parser: UnsafeMutablePointer<ParserState>

  /// Opens and reads the header of the file at `path`, named `displayPath` in diagnostics.
  /// `observe` sees every byte of the file once, in order, as the reader reads it.
  public convenience init(
    path: String, displayPath: String, options: CSVOptions = .init(),
    observe: ((UnsafeBufferPointer<UInt8>) -> Void)? = nil
  ) throws(ComplyError) {
    let source = try ByteSource(path: path, displayPath: displayPath, observe: observe)
    try self.init(source: source, displayPath: displayPath, options: options)
  }

  /// Reads CSV text held in memory, as if it were a file named `displayPath`.
  public convenience init(
    bytes: [UInt8], displayPath: String, options: CSVOptions = .init()
  ) throws(ComplyError) {
    try self.init(
      source: ByteSource(bytes: bytes, displayPath: displayPath), displayPath: displayPath,
      options: options)
  }

  private init(source: ByteSource, displayPath: String, options: CSVOptions) throws(ComplyError) {
    let chunkSize = max(1, options.chunkSize)
    let (encoding, bomLength) = try Self.detectEncoding(
      source, forced: options.encoding, chunkSize: chunkSize)
    source.skip(bomLength)
    let decoder: any ChunkDecoder
    switch encoding {
    case .utf8: decoder = UTF8Decoder(source: source, chunkSize: chunkSize)
    case .gb18030:
      decoder = try GB18030Decoder(source: source, chunkSize: chunkSize, displayPath: displayPath)
    case .utf16LE, .utf16BE:
      decoder = try IconvDecoder(
        source: source, encoding: encoding, chunkSize: chunkSize, displayPath: displayPath)
    }
    var ahead: [UInt8] = []
    let delimiter: UInt8
    if let forced = options.delimiter {
      guard CSVOptions.isValidDelimiter(forced) else {
        throw ComplyError(
          "invalid delimiter byte \(forced): it must be an ASCII character other than '\"', CR and LF"
        )
      }
      delimiter = forced
    } else {
      (delimiter, ahead) = try Self.detectDelimiter(decoder)
    }
    self.displayPath = displayPath
    self.source = source
    self.decoder = decoder
    self.chunkSize = chunkSize
    self.encoding = encoding
    self.delimiter = delimiter
    parser = .allocate(capacity: 1)
    parser.initialize(to: ParserState())
    delimiterLanes = Block(repeating: delimiter)
    if !ahead.isEmpty {
      let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: ahead.count)
      copy.initialize(from: ahead, count: ahead.count)
      lookahead = copy
      lookaheadCount = ahead.count
    }
    if try next() {
      header = (0..<record.count).map { Self.trimmedName(record.string($0)) }
      headerLine = record.line
    }
  }

  deinit {
    lookahead?.deallocate()
    parser.deinitialize(count: 1)
    parser.deallocate()
  }

  /// Reads the next record into `record`; false at end of file. Throws on an unreadable file
  /// and on a quoted field still open at end of file.
  public func next() throws(ComplyError) -> Bool {
    if parser.pointee.finished { return false }
    while true {
      if parser.pointee.pos == parser.pointee.chunkEnd {
        guard !parser.pointee.exhausted, try refill() else { return try finishAtEOF() }
      }
      if scan() { return true }
    }
  }

  /// Bytes the reader's buffers hold (record, decoder, read-ahead), for tests of bounded memory.
  var bufferCapacity: Int {
    let storage = record.storage.pointee
    return storage.byteCapacity + MemoryLayout<Int>.size * storage.endCapacity
      + decoder.bufferCapacity + lookaheadCount + source.readAhead.capacity
  }

  // MARK: - State machine

  /// Consumes bytes of the current chunk until a record is complete (true) or the chunk ends
  /// (false). The parser state and the record's buffers live in locals while the loop runs
  /// and are written back on the way out (nothing reads them in between).
  private func scan() -> Bool {
    var s = parser.pointee
    guard let base = s.chunk else { return false }
    var out = record.storage.pointee
    let end = s.chunkEnd
    let delimiterLanes = self.delimiterLanes
    let delimiter = delimiterLanes[0]
    let quoteLanes = Block(repeating: quote)
    let crLanes = Block(repeating: cr)
    let lfLanes = Block(repeating: lf)
    var p = s.pos
    var recordDone = false

    scanning: while p < end {
      switch s.state {
      case .recordStart:
        let byte = base[p]
        if byte == lf || byte == cr {
          if byte == cr || !s.crPending { s.line &+= 1 }
          s.crPending = byte == cr
          p &+= 1
          s.lineStart = p
        } else {
          s.crPending = false
          out.start(line: s.line)
          s.state = .fieldStart
        }

      case .fieldStart:
        let byte = base[p]
        if byte == quote {
          s.openQuote = OpenQuote(
            line: s.line, offset: p, lineStart: s.lineStart, charsBefore: s.charsBeforeChunk)
          s.state = .quoted
          p &+= 1
        } else if byte == delimiter {
          out.endField()
          p &+= 1
        } else if byte == cr || byte == lf {
          p &+= 1
          recordDone = true
          break scanning
        } else {
          s.state = .unquoted
        }

      case .unquoted:
        // Block by block: the fields that end before the first stop, then the stop.
        while p &+ 16 <= end {
          let block = UnsafeRawPointer(base + p).loadUnaligned(as: Block.self)
          out.storeBlock(block)
          let stops = bits(block .== quoteLanes .| block .== crLanes .| block .== lfLanes)
          // The delimiters below the lowest stop (all of them when there is none).
          var fieldEnds = bits(block .== delimiterLanes) & ((stops ^ (stops &- 1)) &>> 1)
          while fieldEnds != 0 {
            out.endField(at: out.byteCount &+ fieldEnds.trailingZeroBitCount)
            fieldEnds &= fieldEnds &- 1
          }
          guard stops != 0 else {
            out.byteCount &+= 16
            p &+= 16
            continue
          }
          let kept = stops.trailingZeroBitCount
          out.byteCount &+= kept
          p &+= kept
          let byte = base[p]
          p &+= 1
          if byte != quote {
            recordDone = true
            break scanning
          }
          if out.fieldIsEmpty {  // a quote opening the field after a delimiter
            p &-= 1
            s.state = .fieldStart
            continue scanning
          }
          out.byteCount &+= 1  // a quote inside the field is a literal
        }
        // The last bytes of the chunk, byte by byte, the same way.
        while p < end {
          let byte = base[p]
          if byte == quote && out.fieldIsEmpty {
            s.state = .fieldStart
            continue scanning
          }
          p &+= 1
          if byte == delimiter {
            out.endField()
          } else if byte == cr || byte == lf {
            recordDone = true
            break scanning
          } else {
            out.append(byte)
          }
        }

      case .quoted:
        let from = p
        while p &+ 16 <= end {
          let block = UnsafeRawPointer(base + p).loadUnaligned(as: Block.self)
          out.storeBlock(block)
          let stops = bits(block .== quoteLanes .| block .== crLanes .| block .== lfLanes)
          guard stops == 0 else {
            let kept = stops.trailingZeroBitCount
            out.byteCount &+= kept
            p &+= kept
            break
          }
          out.byteCount &+= 16
          p &+= 16
        }
        while p < end && base[p] != quote && base[p] != cr && base[p] != lf {
          out.append(base[p])
          p &+= 1
        }
        if p > from { s.crPending = false }
        guard p < end else { break scanning }
        let byte = base[p]
        p &+= 1
        if byte == quote {
          s.crPending = false
          s.state = .quoteInQuoted
        } else {
          out.append(byte)
          if byte == cr || !s.crPending { s.line &+= 1 }
          s.crPending = byte == cr
          s.lineStart = p
        }

      case .quoteInQuoted:
        let byte = base[p]
        if byte == quote {
          out.append(quote)
          p &+= 1
          s.state = .quoted
        } else if byte == delimiter {
          out.endField()
          p &+= 1
          s.state = .fieldStart
        } else if byte == cr || byte == lf {
          p &+= 1
          recordDone = true
          break scanning
        } else {
          s.state = .unquoted
        }
      }
    }

    if recordDone {  // at the line break `byte` just consumed
      out.endField()
      s.line &+= 1
      s.crPending = base[p &- 1] == cr
      s.lineStart = p
      s.state = .recordStart
    }
    s.pos = p
    parser.pointee = s
    record.storage.pointee = out
    return recordDone
  }

  /// Moves to the next chunk (read-ahead bytes first, then the decoder); false at end of file.
  private func refill() throws(ComplyError) -> Bool {
    if let base = parser.pointee.chunk { parser.pointee.leaveChunk(base) }
    if let ahead = lookahead {
      if lookaheadOffset < lookaheadCount {
        let count = min(chunkSize, lookaheadCount - lookaheadOffset)
        parser.pointee.enter(UnsafePointer(ahead + lookaheadOffset), count: count)
        lookaheadOffset += count
        return true
      }
      ahead.deallocate()
      lookahead = nil
      lookaheadCount = 0
    }
    let next = try decoder.nextChunk()
    bytesRead = source.delivered
    guard let next, let start = next.baseAddress else {
      parser.pointee.exhausted = true
      parser.pointee.enter(nil, count: 0)
      return false
    }
    parser.pointee.enter(start, count: next.count)
    return true
  }

  /// Ends the record in progress at end of file, or reports an unterminated quoted field.
  private func finishAtEOF() throws(ComplyError) -> Bool {
    switch parser.pointee.state {
    case .recordStart:
      parser.pointee.finished = true
      return false
    case .quoted:
      parser.pointee.finished = true
      let quote = parser.pointee.openQuote
      throw ComplyError(
        "unterminated quoted field",
        at: SourceLocation(file: displayPath, line: quote.line, column: quote.column))
    case .fieldStart, .unquoted, .quoteInQuoted:
      record.storage.pointee.endField()
      parser.pointee.state = .recordStart
      return true
    }
  }

  // MARK: - Detection

  /// The encoding to decode with and the length of the BOM to skip. A BOM wins unless another
  /// encoding is forced (a forced UTF-16 takes its byte order from a UTF-16 BOM).
  private static func detectEncoding(
    _ source: ByteSource, forced: TextEncoding?, chunkSize: Int
  ) throws(ComplyError) -> (TextEncoding, Int) {
    // The sniff reads in small steps: what it reads is copied to the decoder's buffer again.
    let step = min(chunkSize, sniffReadSize)
    while source.readAhead.count < 3, try source.readMore(step) {}
    if let (marked, length) = TextEncoding.fromBOM(source.readAhead) {
      switch (forced, marked) {
      case (nil, _), (.utf8, .utf8), (.utf16LE, .utf16LE), (.utf16LE, .utf16BE),
        (.utf16BE, .utf16LE), (.utf16BE, .utf16BE):
        return (marked, length)
      default: break
      }
    }
    if let forced { return (forced, 0) }
    var sniffer = EncodingSniffer()
    while true {
      let atEOF = source.originExhausted
      let verdict = source.readAhead.withUnsafeBufferPointer { sniffer.verdict($0, atEOF: atEOF) }
      switch verdict {
      case .utf8: return (.utf8, 0)
      case .gb18030: return (.gb18030, 0)
      case .needMore: _ = try source.readMore(step)
      }
    }
  }

  /// Tab when the first non-empty line holds tabs and no commas, else comma. Returns the
  /// decoded bytes it read, which the parser must consume first.
  private static func detectDelimiter(_ decoder: any ChunkDecoder) throws(ComplyError) -> (
    UInt8, [UInt8]
  ) {
    var seen: [UInt8] = []
    var start: Int?
    var i = 0
    reading: while let next = try decoder.nextChunk() {
      seen.append(contentsOf: next)
      while i < seen.count {
        let byte = seen[i]
        if byte == cr || byte == lf {
          if start != nil { break reading }
        } else if start == nil {
          start = i
        }
        i += 1
      }
      if seen.count >= sniffByteLimit { break }
    }
    let firstLine = seen[(start ?? i)..<i]
    let isTab = firstLine.contains(tab) && !firstLine.contains(comma)
    return (isTab ? tab : comma, seen)
  }

  /// A header name without surrounding spaces (ASCII, NBSP, ideographic) or BOM.
  static func trimmedName(_ name: String) -> String {
    let scalars = name.unicodeScalars
    func isPadding(_ s: Unicode.Scalar) -> Bool {
      s == " " || s == "\t" || s == "\u{A0}" || s == "\u{3000}" || s == "\u{FEFF}"
    }
    guard let first = scalars.firstIndex(where: { !isPadding($0) }),
      let last = scalars.lastIndex(where: { !isPadding($0) })
    else { return "" }
    return String(scalars[first...last])
  }
}

/// Where the parser is inside a record (see the file header).
enum ParseState {
  case recordStart, fieldStart, unquoted, quoted, quoteInQuoted
}

/// Where the quoted field being read opened, to report it if it never closes.
struct OpenQuote {
  var line = 0
  /// Chunk offset of the quote, and the `lineStart` / `charsBeforeChunk` of that moment.
  var offset = 0
  var lineStart = -1
  var charsBefore = 0
  /// 1-based column of the quote, once computed (0 before).
  var column = 0
}

/// The state machine's variables (see the file header for their invariants).
struct ParserState {
  var state = ParseState.recordStart
  /// The chunk being parsed: bytes `chunk[pos..<chunkEnd]` are not consumed yet.
  var chunk: UnsafePointer<UInt8>?
  var pos = 0
  var chunkEnd = 0
  var line = 1
  var crPending = false
  var lineStart = -1
  var charsBeforeChunk = 0
  var openQuote = OpenQuote()
  /// The decoder is at end of file.
  var exhausted = false
  /// `next()` returned false or threw: it returns false from now on.
  var finished = false

  /// Starts parsing a new chunk.
  mutating func enter(_ chunk: UnsafePointer<UInt8>?, count: Int) {
    self.chunk = chunk
    pos = 0
    chunkEnd = count
  }

  /// Before chunk `base` is replaced: fixes the column of a quote still open in it, and carries
  /// the character count of the current line over to the next chunk.
  mutating func leaveChunk(_ base: UnsafePointer<UInt8>) {
    if state == .quoted || state == .quoteInQuoted, openQuote.column == 0 {
      let q = openQuote
      openQuote.column =
        q.lineStart < 0
        ? q.charsBefore + scalarCount(base, q.offset) + 1
        : scalarCount(base + q.lineStart, q.offset - q.lineStart) + 1
    }
    if lineStart < 0 {
      charsBeforeChunk += scalarCount(base, chunkEnd)
    } else {
      charsBeforeChunk = scalarCount(base + lineStart, chunkEnd - lineStart)
    }
    lineStart = -1
  }
}

/// Sixteen bytes of input, compared all at once (the parser's and UTF8Check's fast paths).
/// Comparisons are written between whole blocks (`Block(repeating:)`) and with `.==` only: the
/// compiler turns those into SSE instructions, while a scalar operand, or `.<` on UInt8 lanes,
/// came out as a loop over the lanes.
typealias Block = SIMD16<UInt8>

/// Bit `i` set where lane `i` of `mask` is true (one `pmovmskb`, CByteMask).
@inline(__always)
private func bits(_ mask: SIMDMask<SIMD16<Int8>>) -> UInt32 {
  withUnsafeBytes(of: mask) { comply_movemask16($0.baseAddress!) }
}

/// The number of Unicode scalars in `count` UTF-8 bytes: the bytes that are not continuations.
private func scalarCount(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int {
  var n = 0
  for i in 0..<count where base[i] & 0xC0 != 0x80 { n += 1 }
  return n
}

private let quote = UInt8(ascii: "\"")
private let cr = UInt8(ascii: "\r")
private let lf = UInt8(ascii: "\n")
private let comma = UInt8(ascii: ",")
private let tab = UInt8(ascii: "\t")
