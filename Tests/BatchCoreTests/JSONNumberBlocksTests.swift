import Foundation
import Testing

@testable import BatchCore

@Suite("JSON: an embedding's floats taken 64 bytes at a time")
struct JSONNumberBlocksTests {
    /// Floats as embeddings print them, of every length from 1 to 13 bytes, signed and not.
    static let floats = [
        "-0.0123456789", "0.5", "12", "-3", "0", "0.012345678", "-0.00123", "1.25", "-12.5", "0.1",
        "-0.028842222", "7", "0.000001", "-1", "100.0",
    ]

    /// `"[" + floats + "]"`, the floats starting at every offset of a 64-byte block.
    static func array(padding: Int, count: Int = 40) -> [UInt8] {
        let numbers = (0..<count).map { floats[($0 * 7 + padding) % floats.count] }
        return Array(
            ("[" + String(repeating: "1,", count: padding) + numbers.joined(separator: ",") + "]").utf8)
    }

    /// What Foundation says of `bytes`: the reference.
    /// Foundation allows a trailing comma (`[1,]`), which JSON does not.
    static func foundationAccepts(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard !text.replacingOccurrences(of: " ", with: "").contains(",]") else { return false }
        return (try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)) != nil
    }

    static func block(_ text: String) -> Int? {
        let bytes = Array(("," + text).utf8)
        precondition(bytes.count >= 66)
        return bytes.withUnsafeBufferPointer { JSONCursor.numberBlock(at: $0.baseAddress! + 1) }
    }

    @Test("a block of whole numbers is taken up to and including its last comma")
    func takesUpToTheLastComma() {
        let text = Array(repeating: "-0.0123456", count: 8).joined(separator: ",")  // 87 bytes
        // Commas at 10, 21, …, 54: the number after the last one crosses into the next block.
        #expect(Self.block(text) == 55)
        let exact = String(repeating: "0.12345,", count: 8) + "5"  // the last comma is byte 63
        #expect(Self.block(exact) == 64)
        #expect(Self.block(String(repeating: "7", count: 70)) == nil, "no comma: left to the scan")
    }

    @Test(
        "a block with anything but whole numbers up to its last comma is left to the byte-by-byte scan",
        arguments: [
            "1.2.3", "00", "-01", "0-1", "1-2", "1.,2", "1,.5", "1,,2", "--1", "-.5", "1.-2", "1e5", "1E5",
            "1 ", "1]", "1x", "1.2e-3",
        ])
    func leavesAnythingElse(inside: String) {
        let prefix = "0.25,"
        let text = prefix + inside + "," + String(repeating: "0.5,", count: 16)
        #expect(Self.block(text) == nil, "\(inside)")
        // Also with the bad bytes straddling each lane boundary.
        for shift in 0..<16 {
            let padded = String(repeating: "1,", count: shift) + text
            #expect(Self.block(padded) == nil, "\(inside) at \(shift)")
        }
    }

    @Test("a comma followed by whitespace or a number's end ends the taken part, never wrongly")
    func commaAtTheEdges() throws {
        // A comma at byte 63 followed by a space is valid JSON: the block is left to the scan.
        let spaced = String(repeating: "0.12345,", count: 8) + " 5," + String(repeating: "0.5,", count: 4)
        #expect(Self.block(spaced) == nil)
        let array = Array(("[" + spaced + "1]").utf8)
        #expect(try JSONScanner.validate(array) == .array)
    }

    @Test("numbers crossing every lane and block boundary: accepted as Foundation accepts them")
    func validAtEveryOffset() throws {
        for padding in 0..<64 {
            let bytes = Self.array(padding: padding)
            #expect(try JSONScanner.validate(bytes) == .array, "padding \(padding)")
        }
    }

    @Test("one byte changed, dropped or doubled anywhere: rejected exactly when Foundation rejects it")
    func mutationsAgreeWithFoundation() {
        // No `e`: Foundation refuses exponents past a Double's range, which JSON allows.
        let replacements = Array("0123456789,.-+ ]x".utf8)
        for padding in [0, 1, 5, 13, 31] {
            let base = Self.array(padding: padding)
            for position in 1..<(base.count - 1) {
                var variants: [[UInt8]] = []
                for byte in replacements where byte != base[position] {
                    var changed = base
                    changed[position] = byte
                    variants.append(changed)
                }
                var dropped = base
                dropped.remove(at: position)
                variants.append(dropped)
                var doubled = base
                doubled.insert(base[position], at: position)
                variants.append(doubled)
                for variant in variants {
                    let accepted = (try? JSONScanner.validate(variant)) != nil
                    if accepted != Self.foundationAccepts(variant) {
                        Issue.record(
                            "\(String(decoding: variant, as: UTF8.self)): scanner accepts \(accepted)")
                    }
                }
            }
        }
    }

    @Test("a bad number deep in a 1,536-float embedding makes the answer malformed, at every offset")
    func badNumberInAnAnswer() throws {
        let vector = (0..<1536).map { Self.floats[$0 % Self.floats.count] }.joined(separator: ",")
        func answer(_ embedding: String) -> [UInt8] {
            Array(
                (#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":["#
                    + embedding + #"]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}"#).utf8)
        }
        let good = try EmbeddingAnswerSplit.split(answer(vector), inputs: [1], estimates: [1]).get()
        #expect(String(decoding: good[0].body, as: UTF8.self).contains("[" + vector + "]"))
        let characters = Array(vector.utf8)
        for position in stride(from: 1000, to: 1000 + 130, by: 1) {
            for bad in Array(".-,".utf8) where characters[position] != bad {
                var changed = characters
                changed[position] = bad
                let text = String(decoding: changed, as: UTF8.self)
                let split = EmbeddingAnswerSplit.split(answer(text), inputs: [1], estimates: [1])
                let valid = Self.foundationAccepts(Array(("[" + text + "]").utf8))
                switch split {
                case .success: #expect(valid, "accepted a bad number at \(position): \(bad)")
                case .failure: #expect(!valid, "rejected a good array at \(position): \(bad)")
                }
            }
        }
    }
}
