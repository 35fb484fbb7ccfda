// DataFiles: finds a dataset's files under the data folder by glob (`*`, `?` within a folder
// name as `globMatches` reads them, and `**` for any number of folders), relative paths sorted
// so every run reads files in the same order.

import ComplyRules
import Foundation

enum DataFiles {
  /// Every regular, non-hidden file below `root`, as sorted relative paths.
  static func list(_ root: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
    var out: [String] = []
    while let relative = walker.nextObject() as? String {
      if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
      var isDirectory: ObjCBool = false
      let full = (root as NSString).appendingPathComponent(relative)
      if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
        out.append(relative)
      }
    }
    return out.sorted()
  }

  /// Whether the relative `path` matches `glob`.
  static func matches(_ path: String, glob: String) -> Bool {
    let p = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    let g = glob.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    return match(p[...], g[...])
  }

  private static func match(_ path: ArraySlice<String>, _ glob: ArraySlice<String>) -> Bool {
    guard let first = glob.first else { return path.isEmpty }
    if first == "**" {
      let rest = glob.dropFirst()
      var p = path
      while true {
        if match(p, rest) { return true }
        if p.isEmpty { return false }
        p = p.dropFirst()
      }
    }
    guard let segment = path.first, globMatches(segment, first) else { return false }
    return match(path.dropFirst(), glob.dropFirst())
  }
}
