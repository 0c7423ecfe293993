import Crypto
import Foundation

/// An opaque reference to one message, for the delivery-report URL a gateway keeps with it.
///
/// Kannel stores the dlr-url of every message it sends and calls it for each report, so whatever the URL
/// carries ends up in Kannel's memory, its DLR storage and, on failures or at a debug log level, its logs.
/// A URL with the server's token and the message key would let anyone who reads those logs call every Beckon
/// endpoint, and would name customers. The reference is the message key sealed (AES-GCM) with a key derived
/// from the token: it names no one, it proves itself (only a holder of the token can make one that opens),
/// and it opens to that one message only, so the report URL needs no token. Sealing is deterministic (the
/// nonce is derived from the key), so a message's reference is the same each time it is sent.
public struct DeliveryReference: Sendable, Hashable {
    let sealingKey: [UInt8]
    let nonceKey: [UInt8]

    /// - Parameter token: the server's token; references made with one token open only with it.
    public init(token: String) {
        let material = SymmetricKey(data: Data(token.utf8))
        func derive(_ label: String) -> [UInt8] {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data(label.utf8), outputByteCount: 32)
                .withUnsafeBytes { Array($0) }
        }
        sealingKey = derive("beckon delivery reference: seal")
        nonceKey = derive("beckon delivery reference: nonce")
    }

    /// The reference of `key`: URL-safe base64 without padding (about 80 characters for a typical key).
    public func seal(_ key: MessageKey) -> String {
        let plaintext = Data(key.description.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: plaintext, using: SymmetricKey(data: nonceKey))
        // A nonce repeats only for the same key, which then seals to the same reference: nothing leaks.
        let nonce = try! AES.GCM.Nonce(data: Data(mac).prefix(12))  // 12 bytes is always a valid GCM nonce
        let sealed = try! AES.GCM.seal(plaintext, using: SymmetricKey(data: sealingKey), nonce: nonce)  // never fails for in-memory input
        return Self.base64URL(sealed.combined!)  // non-nil with the default 12-byte nonce
    }

    /// The message key a reference names, or nil when it was not made with this token or was altered.
    public func open(_ reference: String) -> MessageKey? {
        guard reference.utf8.count < 1024, let data = Self.data(base64URL: reference), data.count > 28,
              let box = try? AES.GCM.SealedBox(combined: data),
              let plaintext = try? AES.GCM.open(box, using: SymmetricKey(data: sealingKey)) else { return nil }
        return MessageKey(parsing: String(decoding: plaintext, as: UTF8.self))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
