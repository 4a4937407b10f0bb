import BatchCore
import BatchTransport
import Foundation

/// An embeddings server as the providers document it, for scripted transports: one vector per
/// input, in order, indexes from 0; a request with an input holding `BAD` is refused whole with
/// OpenAI's 400. Vectors are written in a deliberately unusual notation (`1.250E-1`), so that a
/// client that decoded and re-encoded them would change their bytes.
enum FakeEmbeddings {
    /// The raw JSON text of the vector of `text`.
    static func vectorText(_ text: String) -> String {
        let seed = text.unicodeScalars.reduce(7) { ($0 &* 31 &+ Int($1.value)) % 9973 }
        return "[\(seed)0E-5,-\(text.count).000E-3,1.0e0]"
    }

    /// The base64 "vector" of `text` (any string: the client must copy it as is).
    static func base64Text(_ text: String) -> String {
        "\"" + Data(text.utf8).base64EncodedString() + "\""
    }

    static func inputs(of request: OutboundRequest) -> (inputs: [String], base64: Bool) {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        let base64 = body["encoding_format"] as? String == "base64"
        if let one = body["input"] as? String { return ([one], base64) }
        return ((body["input"] as? [String]) ?? [], base64)
    }

    static func tokens(_ text: String) -> Int { max(1, text.utf8.count / 4) }

    /// The answer to `request`; `id` becomes its `x-request-id`.
    static func answer(_ request: OutboundRequest, id: String) -> HTTPAnswer {
        let (inputs, base64) = inputs(of: request)
        if inputs.contains(where: { $0.contains("BAD") }) {
            return HTTPAnswer(
                status: 400, headers: ["x-request-id": id],
                body: Array(
                    #"{"error":{"message":"This model's maximum context length is 8192 tokens","type":"invalid_request_error","param":null,"code":null}}"#
                        .utf8))
        }
        let data = inputs.enumerated().map { index, text in
            #"{"object":"embedding","index":\#(index),"embedding":\#(base64 ? base64Text(text) : vectorText(text))}"#
        }
        let tokens = inputs.reduce(0) { $0 + Self.tokens($1) }
        let body =
            #"{"object":"list","data":[\#(data.joined(separator: ",\n"))],"model":"text-embedding-3-small","usage":{"prompt_tokens":\#(tokens),"total_tokens":\#(tokens)}}"#
        return HTTPAnswer(status: 200, headers: ["x-request-id": id], body: Array(body.utf8))
    }
}
