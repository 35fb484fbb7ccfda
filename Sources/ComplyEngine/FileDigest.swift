// FileDigest and DigestPool: the SHA-256 of every rule and data file a report names in its
// provenance, the data files' computed on the other core while they stream.

import ComplyCore
import Crypto
import Foundation

/// SHA-256 of a file, for the provenance of a report.
enum FileDigest {
  static func sha256(_ path: String) throws(ComplyError) -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw ComplyError("cannot read '\(path)'")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      hasher.update(data: chunk)
    }
    return hex(hasher.finalize())
  }
}

/// SHA-256 digests of data files computed in the background, one task per file, so that the
/// provenance costs no extra pass on the thread that evaluates rules.
final class DigestPool: @unchecked Sendable {
  private let lock = NSLock()
  private let group = DispatchGroup()
  private var results: [String: Result<String, ComplyError>] = [:]

  func start(_ path: String) {
    lock.lock()
    let known = results[path] != nil
    if !known { results[path] = .failure(ComplyError("digest of '\(path)' not finished")) }
    lock.unlock()
    guard !known else { return }
    DispatchQueue.global().async(group: group) {
      let digest: Result<String, ComplyError>
      do throws(ComplyError) { digest = .success(try FileDigest.sha256(path)) } catch { digest = .failure(error) }
      self.lock.lock()
      self.results[path] = digest
      self.lock.unlock()
    }
  }

  /// The digest of a started file, waiting for every started task first.
  func result(_ path: String) throws(ComplyError) -> String {
    group.wait()
    lock.lock()
    defer { lock.unlock() }
    guard let r = results[path] else { return try FileDigest.sha256(path) }
    return try r.get()
  }
}
