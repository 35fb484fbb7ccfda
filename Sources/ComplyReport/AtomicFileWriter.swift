// AtomicFileWriter: writes a report so that readers see the old file or the whole new one,
// never a partial write (a temporary file beside the target, then rename(2)).

public import ComplyCore
import Foundation

public enum AtomicFileWriter {
  public static func write(_ text: String, to path: String) throws(ComplyError) {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    do {
      try Data(text.utf8).write(to: temporary)
      guard rename(temporary.path, url.path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temporary)
        throw ComplyError("cannot write '\(path)': \(reason)")
      }
    } catch let error as ComplyError {
      throw error
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw ComplyError("cannot write '\(path)': \(error.localizedDescription)")
    }
  }
}
