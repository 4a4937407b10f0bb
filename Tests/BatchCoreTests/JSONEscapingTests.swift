import Foundation
import Testing

@testable import BatchCore

@Suite("JSONEscaping")
struct JSONEscapingTests {
    static let tricky: [String] = [
        "", "plain", "say \"hi\"", #"back\slash"#, "line\nbreak", "\r\n\t\u{08}\u{0C}", "\u{0001}\u{001F}",
        "nul\u{0}byte", "emoji 😀👩‍👩‍👧", "中文字符", "mixé \"中\" \\ \n 😀", "</script>", "\u{7F}\u{2028}",
    ]

    @Test(arguments: tricky)
    func reparsesToTheSameString(text: String) throws {
        let literal = JSONEscaping.quoted(text)
        let parsed = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed)
        #expect(parsed as? String == text)
        #expect(try JSONScanner.validate(Array(literal.utf8)) == .string)
    }

    static let exact: [(String, String)] = [
        ("a\"b", #""a\"b""#), ("a\\b", #""a\\b""#), ("\n\r\t\u{08}\u{0C}", #""\n\r\t\b\f""#),
        ("\u{01}\u{1F}", #""\u0001\u001f""#), ("é😀", "\"é😀\""), ("/", "\"/\""),
    ]

    @Test(arguments: exact)
    func producesCompactEscapes(text: String, expected: String) {
        #expect(JSONEscaping.quoted(text) == expected)
    }

    @Test func appendsToExistingBytes() {
        var out = Array("{\"k\":".utf8)
        JSONEscaping.appendQuoted("v\n", to: &out)
        out.append(UInt8(ascii: "}"))
        #expect(String(decoding: out, as: UTF8.self) == #"{"k":"v\n"}"#)
    }
}
