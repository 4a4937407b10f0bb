import BatchCore
import Foundation

/// Readings of token endpoints' JSON answers: Entra's, managed identity's, the Azure CLI's.
///
/// Accepted: `access_token` or `accessToken`; the expiry as `expires_in` (seconds from now,
/// preferred: immune to clock skew), `expires_on` (epoch seconds, a number or a string) or the
/// CLI's `expiresOn` (local time, `2026-01-01 12:00:00.000000`).
enum TokenAnswer {
    static func token(from body: [UInt8], now: Timestamp, source: String) throws(TokenFailure) -> AccessToken
    {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw TokenFailure(
                kind: .invalidAnswer, source: source, message: "the answer is not a JSON object")
        }
        guard let value = (object["access_token"] ?? object["accessToken"]) as? String, !value.isEmpty else {
            throw TokenFailure(
                kind: .invalidAnswer, source: source, message: "the answer holds no access_token")
        }
        guard let expiresOn = expiry(object, now: now) ?? JWTClaims.expiry(of: value) else {
            throw TokenFailure(kind: .invalidAnswer, source: source, message: "the answer says no expiry")
        }
        return AccessToken(value: value, expiresOn: expiresOn)
    }

    static func expiry(_ object: [String: Any], now: Timestamp) -> Timestamp? {
        if let seconds = number(object["expires_in"]) {
            return now.advanced(by: .milliseconds(Int64(seconds * 1000)))
        }
        if let epoch = number(object["expires_on"]) {
            return Timestamp(milliseconds: Int64(epoch * 1000))
        }
        if let local = object["expiresOn"] as? String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = .current
            for format in ["yyyy-MM-dd HH:mm:ss.SSSSSS", "yyyy-MM-dd HH:mm:ss"] {
                formatter.dateFormat = format
                if let date = formatter.date(from: local) {
                    return Timestamp(milliseconds: Int64(date.timeIntervalSince1970 * 1000))
                }
            }
        }
        return nil
    }

    private static func number(_ value: Any?) -> Double? {
        if let text = value as? String { return Double(text) }
        return (value as? NSNumber)?.doubleValue
    }

    /// The failure an error answer of status `status` means: Entra's
    /// `{"error": "invalid_client", "error_description": "AADSTS7000215: …", "error_codes": [7000215]}`
    /// (the description's first line; the trace and correlation ids are left out), else the
    /// managed identity endpoint's `{"error": …, "error_description": …}` or `{"message": …}`.
    static func failure(status: Int, body: [UInt8], source: String, kind: TokenFailure.Kind = .rejected)
        -> TokenFailure
    {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        var error = object["error"] as? String
        var description = object["error_description"] as? String ?? object["message"] as? String
        if let nested = object["error"] as? [String: Any] {
            error = nested["code"] as? String
            description = nested["message"] as? String
        }
        let firstLine = description.map {
            String($0.split(whereSeparator: \.isNewline).first ?? "")
        }
        var code: String?
        if let codes = object["error_codes"] as? [Any], let first = codes.first.flatMap({ number($0) }) {
            code = "AADSTS\(Int(first))"
        } else if let firstLine, firstLine.hasPrefix("AADSTS") {
            code = String(firstLine.prefix { $0 != ":" })
        }
        var message = "the token endpoint answered HTTP \(status)"
        if let firstLine, !firstLine.isEmpty { message += ": \(firstLine)" }
        if let error { message += " (\(error))" }
        return TokenFailure(kind: kind, source: source, entraCode: code ?? error, message: message)
    }
}

/// The `exp` claim of a JWT, for tokens whose source says no expiry (a token file, a command).
enum JWTClaims {
    static func expiry(of token: String) -> Timestamp? {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])),
            let object = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any],
            let exp = (object["exp"] as? NSNumber)?.int64Value
        else { return nil }
        return Timestamp(milliseconds: exp * 1000)
    }
}

/// Base64url without padding (JWTs).
enum Base64URL {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base).map { Array($0) }
    }
}
