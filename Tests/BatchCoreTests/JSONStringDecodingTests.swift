import Foundation
import Testing

@testable import BatchCore

@Suite("JSONScanner string and integer tokens")
struct JSONStringDecodingTests {
    static let cases: [(String, String)] = [
        (#""""#, ""),
        (#""plain ascii text""#, "plain ascii text"),
        (#""q\"b\\s\/""#, "q\"b\\s/"),
        (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"),
        (#""\u0041\u00e9\u4e2d\u0000""#, "Aé中\u{0}"),
        (#""\uD83D\uDE00 \ud83c\udf89""#, "😀 🎉"),
        ("\"raw 中文 😀\"", "raw 中文 😀"),
    ]

    @Test(arguments: cases)
    func decodesEscapes(token: String, expected: String) throws {
        #expect(try JSONScanner.decodeString(Array(token.utf8)) == expected)
    }

    @Test(arguments: ["abc", #""abc"x"#, #""abc"#, #""a\q""#, "\"\u{1}\""])
    func rejectsInvalidTokens(token: String) {
        #expect(throws: JSONScanError.self) { try JSONScanner.decodeString(Array(token.utf8)) }
    }

    @Test(arguments: ["", "a", "\"", "\\", "\n\t\r", "tab\there", "\u{1}\u{1F}\u{7F}", "😀 中文 é", "\u{2028}"])
    func escapingRoundTripsThroughTheDecoder(text: String) throws {
        #expect(try JSONScanner.decodeString(Array(JSONEscaping.quoted(text).utf8)) == text)
    }

    static let integers: [(String, Int?)] = [
        ("0", 0), ("-0", 0), ("42", 42), ("-17", -17),
        ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min),
        ("9223372036854775808", nil), ("-9223372036854775809", nil),
        ("1.0", nil), ("1e3", nil), ("", nil), ("-", nil), ("01", nil), ("+1", nil), ("12a", nil),
    ]

    @Test(arguments: integers)
    func integerValues(token: String, expected: Int?) {
        #expect(JSONScanner.integerValue(Array(token.utf8)) == expected)
    }
}
