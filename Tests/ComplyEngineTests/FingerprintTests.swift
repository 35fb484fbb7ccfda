// Fingerprints are swift-crypto's HMAC-SHA256 of the parts (each followed by 0x1F), cut to 16
// bytes in hex, for secrets shorter than, as long as and longer than SHA-256's block.

import Crypto
import Foundation
import Testing

@testable import ComplyEngine

struct FingerprintTests {
  @Test(arguments: [
    nil, "", "s", String(repeating: "密", count: 21), String(repeating: "k", count: 64),
    String(repeating: "钥", count: 40),
  ])
  func sameAsHMAC(secret: String?) {
    let fingerprinter = Fingerprinter(secret: secret)
    let key = SymmetricKey(data: Data((secret.flatMap { $0.isEmpty ? nil : $0 } ?? "comply-fingerprint").utf8))
    let cases: [[String]] = [
      [], [""], ["FEE-OVERPAID", "fees", "学籍号", "G41152*********0011"], [String(repeating: "长", count: 100)],
    ]
    for parts in cases {
      let message: [UInt8] = parts.flatMap { Array($0.utf8) + [0x1F] }
      let code = HMAC<SHA256>.authenticationCode(for: message, using: key)
      let expected = code.prefix(16).map { String(format: "%02x", $0) }.joined()
      #expect(fingerprinter.fingerprint(parts) == expected)
    }
  }
}
