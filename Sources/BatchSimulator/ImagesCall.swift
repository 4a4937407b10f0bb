import NIOHTTP1

/// `images/generations` (JSON body) and `images/edits` (multipart with an `image` file): `n`
/// deterministic small PNG-tagged images, as `b64_json` (the default, as for `gpt-image-1`) or as a
/// `url` when `response_format` is `url`. Costs 0 tokens: only the RPM limit applies.
struct ImagesCall: PreparedCall {
    let prompt: String
    let count: Int
    let asURL: Bool
    let tokenCost = 0

    init(_ json: [String: Any]) throws(RequestError) {
        guard let prompt = json["prompt"] as? String, !prompt.isEmpty else {
            throw RequestError("'prompt' is required and must be a non-empty string.")
        }
        try self.init(prompt: prompt, n: json["n"] as? Int ?? 1, format: json["response_format"] as? String)
    }

    init(form: MultipartForm) throws(RequestError) {
        guard let image = form.first("image") ?? form.first("image[]"), !image.data.isEmpty else {
            throw RequestError("'image' is required and must not be empty.")
        }
        guard let prompt = form.first("prompt")?.text, !prompt.isEmpty else {
            throw RequestError("'prompt' is required and must be a non-empty string.")
        }
        try self.init(
            prompt: prompt, n: form.first("n").flatMap { Int($0.text) } ?? 1,
            format: form.first("response_format")?.text)
    }

    private init(prompt: String, n: Int, format: String?) throws(RequestError) {
        guard (1...10).contains(n) else { throw RequestError("'n' must be between 1 and 10.") }
        guard format == nil || format == "b64_json" || format == "url" else {
            throw RequestError("'response_format' must be b64_json or url.")
        }
        self.prompt = prompt
        count = n
        asURL = format == "url"
    }

    /// The bytes of image `index`: the PNG signature, then bytes derived from the prompt.
    func image(_ index: Int) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        for (offset, byte) in prompt.utf8.enumerated() {
            out.append(UInt8(truncatingIfNeeded: Int(byte) &+ offset &* 13 &+ index))
        }
        return out
    }

    func render(_ context: RenderContext) -> SimResponse {
        let items: [JSONValue] = (0..<count).map { index in
            asURL
                ? .object([("url", .string("https://sim.invalid/images/\(context.idSuffix)-\(index).png"))])
                : .object([("b64_json", .string(Base64.encode(image(index))))])
        }
        return SimResponse(
            status: .ok, json: .object([("created", .int(context.created)), ("data", .array(items))]))
    }
}

/// Standard base64 with padding (RFC 4648 §4).
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                out.append(
                    position <= chunk.count
                        ? alphabet[(value >> (18 - 6 * position)) & 0x3F] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
