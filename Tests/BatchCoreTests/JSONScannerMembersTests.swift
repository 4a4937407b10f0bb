import Testing

@testable import BatchCore

@Suite("JSONScanner top-level members")
struct JSONScannerMembersTests {
    /// The text of `member`'s value, sliced out of `text` by its byte range.
    private func slice(_ text: String, _ member: JSONMember) -> String {
        String(decoding: Array(text.utf8)[member.range], as: UTF8.self)
    }

    @Test func membersHaveKeysKindsAndExactValueRanges() throws {
        let text = #"  { "s" : "a\"b" , "n":-1.5e3,"o":{"x":[1,{}]},"a":[ ],"t":true,"f":false,"z":null }  "#
        let members = try #require(try JSONScanner.topLevelMembers(Array(text.utf8)))
        #expect(members.map(\.key) == ["s", "n", "o", "a", "t", "f", "z"])
        #expect(members.map(\.kind) == [.string, .number, .object, .array, .bool, .bool, .null])
        #expect(
            members.map { slice(text, $0) } == [
                #""a\"b""#, "-1.5e3", #"{"x":[1,{}]}"#, "[ ]", "true", "false", "null",
            ])
    }

    @Test func rangesCountBytesNotCharacters() throws {
        let text = #"{"名前":"中文😀","b":1}"#
        let members = try #require(try JSONScanner.topLevelMembers(Array(text.utf8)))
        #expect(members.map(\.key) == ["名前", "b"])
        #expect(slice(text, members[0]) == #""中文😀""#)
        #expect(members[1].range == (text.utf8.count - 2)..<(text.utf8.count - 1))
    }

    @Test func escapedKeysAreDecoded() throws {
        let members = try #require(
            try JSONScanner.topLevelMembers(Array(#"{"a\nb":1,"\u0063ustom_id":2,"\ud83d\ude00":3}"#.utf8)))
        #expect(members.map(\.key) == ["a\nb", "custom_id", "😀"])
    }

    @Test func duplicateKeysAreAllKept() throws {
        let members = try #require(try JSONScanner.topLevelMembers(Array(#"{"a":1,"a":"2"}"#.utf8)))
        #expect(members.map(\.key) == ["a", "a"])
        #expect(members.map(\.kind) == [.number, .string])
    }

    @Test func emptyObjectHasNoMembers() throws {
        #expect(try JSONScanner.topLevelMembers(Array(" {\n} ".utf8)) == [])
    }

    @Test(arguments: ["[1,2]", "\"x\"", "3", "null", " true "])
    func validNonObjectsGiveNil(text: String) throws {
        #expect(try JSONScanner.topLevelMembers(Array(text.utf8)) == nil)
    }

    @Test(arguments: [
        #"{"a":1"#, #"{"a":[1,}"#, #"{"a":"\x"}"#, #"{"a":1}x"#, #"{"a":01}"#, #"{"a":{"b":tru}}"#,
    ])
    func invalidNestedValuesAreRejected(text: String) {
        #expect(throws: JSONScanError.self) { try JSONScanner.topLevelMembers(Array(text.utf8)) }
    }

    @Test func nestedExpansionReportsInnerMembersRelativeToTheBuffer() throws {
        let text = #"{"x":{"model":"no"},"body":{"model":"m1","n":[1]},"y":2,"b\u006fdy":{"model":"z"}}"#
        let bytes = Array(text.utf8)
        var nested: [JSONRawMember]? = nil
        let members = try bytes.withUnsafeBytes { buffer in
            let raw = try JSONScanner.rawTopLevelMembers(buffer, expanding: "body", nested: &nested)
            return raw?.map { ($0.key(in: buffer), $0.range) }
        }
        #expect(members?.map(\.0) == ["x", "body", "y", "body"])
        // The last "body" (spelled with an escape) wins.
        #expect(
            try #require(nested).map(\.range).map { String(decoding: bytes[$0], as: UTF8.self) } == [#""z""#])
        nested = nil
        let single = Array(text.utf8.prefix(49)) + [UInt8(ascii: "}")]
        _ = try single.withUnsafeBytes {
            try JSONScanner.rawTopLevelMembers($0, expanding: "body", nested: &nested)
        }
        let inner = try #require(nested)
        #expect(inner.map(\.range).map { String(decoding: single[$0], as: UTF8.self) } == [#""m1""#, "[1]"])
        #expect(inner.map(\.keyRange).map { String(decoding: single[$0], as: UTF8.self) } == ["model", "n"])
        #expect(String(decoding: bytes[members![1].1], as: UTF8.self) == #"{"model":"m1","n":[1]}"#)
    }

    @Test func rawKeysCompareWithoutDecodingUnlessEscaped() throws {
        let bytes = Array(#"{"url":1,"u\u0072l":2,"urls":3}"#.utf8)
        try bytes.withUnsafeBytes { buffer in
            var nested: [JSONRawMember]? = nil
            let raw = try #require(
                try JSONScanner.rawTopLevelMembers(buffer, expanding: nil, nested: &nested))
            #expect(raw.map { $0.keyEquals("url", in: buffer) } == [true, true, false])
            #expect(raw[0].sameKey(as: raw[1], in: buffer))
            #expect(!raw[0].sameKey(as: raw[2], in: buffer))
        }
    }
}
