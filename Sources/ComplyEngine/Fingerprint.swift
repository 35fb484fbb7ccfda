// Fingerprint: a violation's identity across runs. HMAC-SHA256 over the rule id, the dataset
// and the record's key values (or, without a key, all its declared values), or the group
// values of an aggregate rule. Lines are left out, so a record that moves keeps its
// fingerprint. The HMAC key is the per-project secret from COMPLY_FINGERPRINT_SECRET when set,
// so that a fingerprint of a record keyed by an ID number cannot be brute-forced back to it;
// see docs/ARCHITECTURE.md.

import ComplyCore
import Crypto
import Foundation

struct Fingerprinter {
  let key: SymmetricKey

  init(secret: String?) {
    key = SymmetricKey(data: Data((secret ?? "comply-default-fingerprint-key").utf8))
  }

  /// 32 hex digits identifying `parts` under this fingerprinter's key.
  func fingerprint(_ parts: [String]) -> String {
    var data = Data()
    for part in parts {
      data.append(contentsOf: part.utf8)
      data.append(0x1F)
    }
    let mac = HMAC<SHA256>.authenticationCode(for: data, using: key)
    return mac.prefix(16).map { String(format: "%02x", $0) }.joined()
  }
}
