// FileDigest and FileHasher: the SHA-256 of every file a report names in its provenance. Rule
// files are read for it; data files are hashed by DatasetStream from the bytes it reads
// anyway, in the same pass (a second read on another thread cost ~3 % of a run's CPU).

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
    let hasher = FileHasher()
    while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      chunk.withUnsafeBytes { hasher.update($0.bindMemory(to: UInt8.self)) }
    }
    return hasher.hex()
  }
}

/// The SHA-256 of a file as its bytes go past.
final class FileHasher {
  private var sha = SHA256()

  func update(_ bytes: UnsafeBufferPointer<UInt8>) {
    sha.update(bufferPointer: UnsafeRawBufferPointer(bytes))
  }

  /// The digest in lower-case hex; call once, after the last bytes.
  func hex() -> String { ComplyEngine.hex(sha.finalize()) }
}
