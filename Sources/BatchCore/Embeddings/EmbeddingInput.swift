/// The `input` of an embeddings request body, as packing sees it: the inputs it holds (each a byte
/// range of the body) and a key that is equal for two bodies exactly when they are byte for byte
/// equal apart from their `input` value.
///
/// Accepted `input` shapes (OpenAI's): a non-empty string (one input); an array of non-empty
/// strings (one input each); an array of integers (one input: a token list); an array of non-empty
/// arrays of integers (one input each). Anything else is a ``LineRejection`` (`invalid_input`)
/// saying why, so that a line the server would refuse whatever it is packed with is rejected at
/// ingest, with its line number, instead of costing a bisection.
public struct EmbeddingInput: Sendable, Equatable {
    /// The byte range of the `input` value within the body.
    public var inputRange: Range<Int>
    /// One byte range per input, within the body: the string with its quotes, or the token list.
    public var elements: [Range<Int>]
    /// FNV-1a over the body's bytes outside ``inputRange``: equal keys, equal bodies apart from `input`.
    public var packKey: UInt64

    /// The code of a line rejected for its `input`.
    public static let invalidInput = "invalid_input"

    /// Reads the `input` of `body` (the bytes of a body object).
    public static func inspect(body: UnsafeRawBufferPointer) -> Result<EmbeddingInput, LineRejection> {
        var nested: [JSONRawMember]? = nil
        guard let members = try? JSONScanner.rawTopLevelMembers(body, expanding: nil, nested: &nested) else {
            return .failure(reject("body is not a JSON object"))
        }
        guard let input = members.last(where: { $0.keyEquals("input", in: body) }) else {
            return .failure(reject("body.input is missing"))
        }
        let value = UnsafeRawBufferPointer(rebasing: body[input.range])
        let base = input.range.lowerBound
        var elements: [Range<Int>]
        switch input.kind {
        case .string:
            guard input.range.count > 2 else { return .failure(reject("body.input is an empty string")) }
            elements = [input.range]
        case .array:
            guard let items = try? JSONScanner.arrayElements(value), !items.isEmpty else {
                return .failure(reject("body.input is an empty array"))
            }
            if items.allSatisfy({ $0.kind == .number }) {
                elements = [input.range]
            } else if items.allSatisfy({ $0.kind == .string }) {
                if let empty = items.firstIndex(where: { $0.range.count <= 2 }) {
                    return .failure(reject("body.input[\(empty)] is an empty string"))
                }
                elements = items.map { ($0.range.lowerBound + base)..<($0.range.upperBound + base) }
            } else if items.allSatisfy({ $0.kind == .array }) {
                for (index, item) in items.enumerated() {
                    let list = UnsafeRawBufferPointer(rebasing: value[item.range])
                    guard let tokens = try? JSONScanner.arrayElements(list), !tokens.isEmpty,
                        tokens.allSatisfy({ $0.kind == .number })
                    else {
                        return .failure(reject("body.input[\(index)] must be a non-empty array of token ids"))
                    }
                }
                elements = items.map { ($0.range.lowerBound + base)..<($0.range.upperBound + base) }
            } else {
                return .failure(
                    reject("body.input must hold only strings, only token ids, or only arrays of token ids"))
            }
        default:
            return .failure(reject("body.input must be a string or an array, found \(input.kind)"))
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in 0..<body.count where !input.range.contains(index) {
            hash = (hash ^ UInt64(body[index])) &* 0x100_0000_01b3
        }
        return .success(EmbeddingInput(inputRange: input.range, elements: elements, packKey: hash))
    }

    /// Convenience over a byte array.
    public static func inspect(body: [UInt8]) -> Result<EmbeddingInput, LineRejection> {
        body.withUnsafeBytes { inspect(body: $0) }
    }

    private static func reject(_ reason: String) -> LineRejection {
        LineRejection(code: invalidInput, reason: reason)
    }
}
