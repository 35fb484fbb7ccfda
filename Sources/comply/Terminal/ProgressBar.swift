// ProgressBar: bytes read of the total and rows/s on stderr while a large check runs — only
// when stderr is a terminal, so pipes and CI logs never see it.

import Foundation

final class ProgressBar: @unchecked Sendable {
  /// Inputs smaller than this finish too fast for a bar to help.
  static let threshold = 8 << 20
  private let start = Date()
  private var lastDraw = Date.distantPast
  private let lock = NSLock()

  /// A bar when stderr is a terminal, else nil.
  static func forStderr() -> ProgressBar? {
    isatty(2) == 1 ? ProgressBar() : nil
  }

  func update(bytes: Int, total: Int, rows: Int) {
    guard total >= Self.threshold else { return }
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    guard now.timeIntervalSince(lastDraw) >= 0.2 || bytes >= total else { return }
    lastDraw = now
    let fraction = min(1, Double(bytes) / Double(max(total, 1)))
    let width = 30
    let filled = Int(fraction * Double(width))
    let elapsed = max(now.timeIntervalSince(start), 0.001)
    let line = String(
      format: "\r[%@%@] %3d%%  %d/%d MB  %.0f rows/s ",
      String(repeating: "#", count: filled), String(repeating: ".", count: width - filled),
      Int(fraction * 100), bytes >> 20, total >> 20, Double(rows) / elapsed)
    FileHandle.standardError.write(Data(line.utf8))
  }

  /// Clears the bar's line.
  func finish() {
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
