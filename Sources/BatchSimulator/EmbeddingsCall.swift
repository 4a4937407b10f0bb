import Foundation
import NIOHTTP1

/// `embeddings`: one deterministic, unit-length vector per input, optionally base64-encoded.
///
/// Inputs may be a string, an array of strings, an array of token ids or an array of token-id arrays.
/// A vector depends only on its input and its length: seeded SplitMix64 floats in -1…1, normalized.
struct EmbeddingsCall: PreparedCall {
    /// One input item: a digest of its text/tokens and its token count.
    struct Item {
        var seed: UInt64
        var tokens: Int
        /// An empty string or an empty token list: OpenAI refuses the request (``EmbeddingsLimits``).
        var isEmpty = false
    }

    let items: [Item]
    let dimensions: Int?
    let base64: Bool
    let tokenCost: Int

    init(_ json: [String: Any]) throws(RequestError) {
        items = try Self.items(json["input"])
        if let dims = json["dimensions"] {
            guard let value = dims as? Int, value > 0, value <= 65_536 else {
                throw RequestError("'dimensions' must be a positive integer.")
            }
            dimensions = value
        } else {
            dimensions = nil
        }
        let format = json["encoding_format"] as? String ?? "float"
        guard format == "float" || format == "base64" else {
            throw RequestError("'encoding_format' must be 'float' or 'base64'.")
        }
        base64 = format == "base64"
        tokenCost = items.reduce(0) { $0 + $1.tokens }
    }

    private static func items(_ input: Any?) throws(RequestError) -> [Item] {
        if let text = input as? String {
            return [item(text: text)]
        }
        guard let array = input as? [Any], !array.isEmpty else {
            throw RequestError("'input' must be a non-empty string or array.")
        }
        if let strings = array as? [String] { return strings.map { item(text: $0) } }
        if let tokens = array as? [Int] { return [Item(seed: TextDigest(tokens).hash, tokens: tokens.count)] }
        if let lists = array as? [[Int]] {
            return lists.map {
                Item(seed: TextDigest($0).hash, tokens: max(1, $0.count), isEmpty: $0.isEmpty)
            }
        }
        throw RequestError("'input' must be strings, token ids or arrays of token ids.")
    }

    private static func item(text: String) -> Item {
        let digest = TextDigest(text)
        return Item(
            seed: digest.hash, tokens: TokenEstimator.tokens(forCharacters: digest.characters),
            isEmpty: text.isEmpty)
    }

    /// The deterministic unit vector for `seed` with `count` components.
    static func vector(seed: UInt64, count: Int) -> [Float] {
        var state = seed ^ UInt64(count)
        var values = (0..<count).map { _ in TextGenerator.unit(&state) * 2 - 1 }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { values = values.map { $0 / norm } }
        return values.map { Float($0) }
    }

    func render(_ context: RenderContext) -> SimResponse {
        let count = dimensions ?? context.embeddingDimensions
        let data: [JSONValue] = items.enumerated().map { index, item in
            let vector = Self.vector(seed: item.seed, count: count)
            let embedding: JSONValue =
                base64 ? .string(Self.base64(vector)) : .array(vector.map { .float($0) })
            return .object([("object", "embedding"), ("index", .int(index)), ("embedding", embedding)])
        }
        return SimResponse(
            status: .ok,
            json: .object([
                ("object", "list"),
                ("data", .array(data)),
                ("model", .string(context.model)),
                ("usage", .object([("prompt_tokens", .int(tokenCost)), ("total_tokens", .int(tokenCost))])),
            ]))
    }

    /// Base64 of the little-endian float32 bytes of `vector`.
    static func base64(_ vector: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }
}
