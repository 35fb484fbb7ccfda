// AtomicFileWriter: writes a report so that readers see the old file or the whole new one,
// never a partial write (a temporary file beside the target, then rename(2)).

public import ComplyCore
import Foundation

public enum AtomicFileWriter {
  /// Writes `bytes` to `path` as it is, without copying the buffer first.
  public static func write(_ bytes: [UInt8], to path: String) throws(ComplyError) {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
    let failure = { (reason: String) -> ComplyError in
      unlink(temporary)
      return ComplyError("cannot write '\(path)': \(reason)")
    }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw failure(String(cString: strerror(errno))) }
    var error: Int32? = bytes.withUnsafeBytes { buffer in
      var done = 0
      while done < buffer.count {
        let n = Foundation.write(fd, buffer.baseAddress! + done, buffer.count - done)
        if n < 0, errno != EINTR { return errno }
        done += max(n, 0)
      }
      return nil
    }
    if close(fd) != 0, error == nil { error = errno }
    if error == nil, rename(temporary, url.path) != 0 { error = errno }
    if let error { throw failure(String(cString: strerror(error))) }
  }
}
