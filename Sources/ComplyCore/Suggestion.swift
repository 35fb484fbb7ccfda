// "Did you mean" suggestions: the closest known name to a misspelt one, by edit distance.

public enum Suggestion {
  /// The candidate closest to `name`, if it is close enough to be a plausible typo.
  public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
    let target = Array(name.lowercased())
    var best: (name: String, distance: Int)?
    for candidate in candidates {
      let d = distance(target, Array(candidate.lowercased()))
      let limit = max(1, min(target.count, candidate.count) / 2 + (target.count > 4 ? 1 : 0))
      if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
    }
    return best?.name
  }

  /// `" (did you mean 'x'?)"` or the empty string.
  public static func hint(for name: String, in candidates: some Sequence<String>) -> String {
    guard let match = closest(to: name, in: candidates) else { return "" }
    return "; did you mean '\(match)'?"
  }

  /// Levenshtein distance over characters.
  static func distance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
