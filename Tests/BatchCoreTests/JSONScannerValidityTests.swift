import Foundation
import Testing

@testable import BatchCore

@Suite("JSONScanner accepts and rejects")
struct JSONScannerValidityTests {
    static let valid: [(String, JSONValueKind)] = [
        ("{}", .object), ("[]", .array), (" \t\r\n{ } \n", .object), ("\"\"", .string),
        ("0", .number), ("-0", .number), ("1e10", .number), ("1.5E-3", .number), ("-12.25e+7", .number),
        ("123456789012345678901234567890", .number), ("0.0", .number), ("1E0", .number),
        ("true", .bool), ("false", .bool), ("null", .null),
        (#""a\"b\\c\/d\b\f\n\r\t""#, .string), (#""\u00e9\u4E2D\uD83D\uDE00""#, .string),
        ("\"héllo 中文 😀\"", .string),
        (#"{"a":[1,2,{"b":null}],"c":{"d":[]},"e":"x"}"#, .object),
        (#"[ 1 , "two" , [ ] , { } , true , false , null ]"#, .array),
        (#"{"":0}"#, .object), (#"{"a" : 1 , "a" : 2}"#, .object),
        (#""0123456789abcdefghijklmnopqrstuvwxyz long enough for the word-at-a-time path""#, .string),
        // Runs of numbers in an array (an embedding's floats) take a path of their own.
        ("[1,2.5,-3e-2,0.125,12345678901234567,-0.0123456789]", .array), ("[ 0.1 ,\n 0.2,\t-0.3 ]", .array),
        (#"{"e":[0.1,0.2],"f":[-1,2,"x",3,[4,5],{"g":6}]}"#, .object),
    ]

    @Test(arguments: valid)
    func acceptsValidJSON(text: String, kind: JSONValueKind) throws {
        #expect(try JSONScanner.validate(Array(text.utf8)) == kind)
        // Agrees with Foundation.
        _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
    }

    /// Invalid documents, with a fragment of the expected reason and the expected offset.
    static let invalid: [(String, String, Int)] = [
        ("", "expected a value, found the end of the text", 0),
        ("   ", "expected a value, found the end of the text", 3),
        ("01", "leading zeros", 0),
        ("-01", "leading zeros", 0),
        ("-", "expected a digit", 1),
        ("1.", "after '.'", 2),
        (".5", "expected a value, found '.'", 0),
        ("1e", "exponent", 2),
        ("1e+", "exponent", 3),
        ("+1", "expected a value, found '+'", 0),
        ("0x10", "trailing characters after the value: found the word 'x10'", 1),
        ("NaN", "found the word 'NaN'", 0),
        ("tru", "found the word 'tru'", 0),
        ("nul", "found the word 'nul'", 0),
        ("True", "found the word 'True'", 0),
        ("\"abc", "unterminated string", 0),
        ("[\"abc", "unterminated string", 1),
        ("\"a\\", "unterminated string", 0),
        ("\"a\\x\"", "invalid escape '\\x' in a string", 2),
        ("\"\\u12G4\"", "\\u escape", 1),
        ("\"\\u12\"", "\\u escape", 1),
        ("\"a\nb\"", "control character 0x0A", 2),
        ("\"a\tb\"", "control character 0x09", 2),
        ("{} x", "trailing characters after the value: found the word 'x'", 3),
        ("[1] [2]", "trailing characters after the value: found '['", 4),
        ("{\"a\" 1}", "expected ':' after the member name, found the number 1", 5),
        ("{\"a\":1,}", "trailing comma before '}'", 6),
        ("{a:1}", "expected a member name in double quotes, found the word 'a'", 1),
        ("[1,]", "trailing comma before ']'", 2),
        ("[1 2]", "expected ',' or ']' after the element, found the number 2", 3),
        ("[1,2,01]", "leading zeros", 5), ("[0.5,1.]", "after '.'", 7), ("[1,-]", "expected a digit", 4),
        ("[1,2 3]", "expected ',' or ']' after the element, found the number 3", 5),
        ("[1,2,]", "trailing comma before ']'", 4),
        ("[0.12345678,1.2345678x]", "expected ',' or ']' after the element, found the word 'x'", 21),
        ("{\"a\":1 \"b\":2}", "expected ',' or '}' after the member, found the string \"b\"", 7),
        ("[", "expected a value, found the end of the text", 1),
        ("{\"a\":{\"b\":1}", "expected ',' or '}' after the member, found the end of the text", 12),
        ("[}", "expected a value, found '}'", 1),
        ("{]", "expected a member name in double quotes, found ']'", 1),
        ("'a'", "found a single quote (JSON strings need double quotes)", 0),
        ("{\"a\":}", "expected a value after ':', found '}'", 5),
        ("{\"a\": \n }", "expected a value after ':', found '}'", 8),
        ("[1, é]", "expected a value, found 'é'", 4),
        ("[\u{7F}]", "found the control character 0x7F", 1),
        (
            "{\"a\":1} \"" + String(repeating: "s", count: 30) + "\"",
            "found the string \"sssssssssssssssssss…", 8
        ),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidJSON(text: String, reason: String, offset: Int) {
        #expect {
            try JSONScanner.validate(Array(text.utf8))
        } throws: { error in
            guard let error = error as? JSONScanError else { return false }
            return error.reason.contains(reason) && error.offset == offset
        }
        #expect(throws: JSONScanError.self) { try JSONScanner.topLevelMembers(Array(text.utf8)) }
    }

    /// Strings holding malformed UTF-8, with the offset of the first bad byte.
    static let badUTF8: [([UInt8], Int)] = [
        ([0x22, 0xC3, 0x28, 0x22], 1),  // lead byte followed by ASCII
        ([0x22, 0xC0, 0xAF, 0x22], 1),  // overlong '/'
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),  // overlong 3-byte
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // encoded surrogate U+D800
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // above U+10FFFF
        ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 1),
        ([0x22, 0x41, 0xE2, 0x82, 0x22], 2),  // truncated 3-byte sequence
        ([0x22, 0xF0, 0x9F, 0x98], 1),  // truncated at end of buffer
        ([0x22, 0x80, 0x22], 1),  // stray continuation byte
        ([0x22, 0xFF, 0x22], 1),
        (Array("{\"k\":\"0123456789abcdef".utf8) + [0xC3, 0x28, 0x22, 0x7D], 22),  // after the fast path
    ]

    @Test(arguments: badUTF8)
    func rejectsInvalidUTF8InStrings(bytes: [UInt8], offset: Int) {
        #expect(throws: JSONScanError(offset: offset, reason: "invalid UTF-8")) {
            try JSONScanner.validate(bytes)
        }
    }

    @Test func acceptsLoneSurrogateEscapes() throws {
        #expect(try JSONScanner.validate(Array(#""\uD800 \uDC00""#.utf8)) == .string)
        #expect(try JSONScanner.decodeString(Array(#""\uD800x""#.utf8)) == "\u{FFFD}x")
    }

    @Test func rejectsEveryControlCharacterInStrings() throws {
        for byte in UInt8(0)..<0x20 {
            #expect(throws: JSONScanError.self) { try JSONScanner.validate([0x22, byte, 0x22]) }
        }
        #expect(try JSONScanner.validate([0x22, 0x7F, 0x22]) == .string)  // DEL is allowed
    }

    @Test(arguments: [1, 2, 511, 512])
    func acceptsNestingUpTo512(depth: Int) throws {
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(try JSONScanner.validate(Array(arrays.utf8)) == .array)
        let objects =
            String(repeating: "{\"a\":", count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        #expect(try JSONScanner.topLevelMembers(Array(objects.utf8)) != nil)
    }

    @Test(arguments: [513, 10_000])
    func rejectsNestingDeeperThan512(depth: Int) {
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: JSONScanError(offset: 512, reason: "nesting deeper than 512")) {
            try JSONScanner.validate(Array(arrays.utf8))
        }
        let inObject =
            "{\"a\":" + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)
            + "}"
        #expect(throws: JSONScanError(offset: 5 + 511, reason: "nesting deeper than 512")) {
            try JSONScanner.topLevelMembers(Array(inObject.utf8))
        }
    }

    @Test("eight bytes at a time: all digits exactly when each byte is one, whatever carries")
    func eightDigitsWordTest() {
        func word(_ bytes: [UInt8]) -> UInt64 {
            bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        }
        for position in 0..<8 {
            for byte in UInt8.min...UInt8.max {
                var bytes = [UInt8](repeating: UInt8(ascii: "5"), count: 8)
                bytes[position] = byte
                #expect(JSONCursor.areEightDigits(word(bytes)) == JSONCursor.isDigit(byte))
            }
        }
        // A byte that overflows when 6 is added carries into the next one: neither may pass.
        for first in UInt8.min...UInt8.max {
            for second in UInt8.min...UInt8.max {
                let bytes = [first, second] + [UInt8](repeating: UInt8(ascii: "0"), count: 6)
                let both = JSONCursor.isDigit(first) && JSONCursor.isDigit(second)
                if JSONCursor.areEightDigits(word(bytes)) != both {
                    Issue.record("bytes \(first) \(second): \(!both)")
                }
            }
        }
    }

    @Test func errorDescriptionNamesTheOffset() {
        #expect(
            JSONScanError(offset: 41, reason: "unterminated string").description
                == "unterminated string at byte 41")
    }

    @Test func emptyBufferWithoutBaseAddressIsRejected() {
        #expect(throws: JSONScanError.self) {
            try JSONScanner.validate(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }
}
