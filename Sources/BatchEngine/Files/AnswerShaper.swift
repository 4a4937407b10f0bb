import BatchCore
import Foundation

/// Turns a 2xx answer into what the results line holds, by the request's ``ExpectedAnswer``:
///
/// - `json`: unchanged.
/// - `text` (`text`, `srt`, `vtt`): the body becomes a JSON string of the text, so the results
///   line reads `"body": "1\n00:00:00,000 --> …"` (unless the server sent a JSON body labelled
///   `application/json`, which is kept as is).
/// - `binary`: the bytes are saved by the ``BinaryOutputWriter`` and the body becomes
///   `{"file": "<stem>.outputs/<name>.<ext>", "bytes": N, "content_type": "…"}`.
/// - `images`: each `data[i].b64_json` is decoded and saved (`<name>.<ext>` for one image,
///   `<name>-<i>.<ext>` for several) and replaced by `file`, `bytes` and `content_type` members;
///   `url` images are left as they are.
///
/// Other statuses are never changed. Files are written before the caller records the line.
public struct AnswerShaper: Sendable {
    /// Where binary answers go.
    public let writer: BinaryOutputWriter

    /// A shaper saving files with `writer`.
    public init(writer: BinaryOutputWriter) {
        self.writer = writer
    }

    /// The answer to record for `customID`.
    public func shape(_ answer: HTTPAnswer, expected: ExpectedAnswer, customID: String)
        throws(BinaryOutputError) -> HTTPAnswer
    {
        guard answer.isSuccess else { return answer }
        var shaped = answer
        switch expected {
        case .json:
            return answer
        case .text:
            let isJSON = answer.headers["content-type"]?.lowercased().contains("json") ?? false
            if isJSON && ResponseBody.isJSONValue(answer.body) { return answer }
            var quoted: [UInt8] = []
            JSONEscaping.appendQuoted(String(decoding: answer.body, as: UTF8.self), to: &quoted)
            shaped.body = quoted
        case .binary(let ext):
            let name = OutputFileName.forCustomID(customID)
            let path = try writer.save(answer.body, name: name, fileExtension: ext)
            let type = answer.headers["content-type"] ?? ExpectedAnswer.contentType(forExtension: ext)
            shaped.body = Self.serialize(
                Self.descriptor(path: path, bytes: answer.body.count, contentType: type))
        case .images(let ext):
            shaped.body = try images(answer.body, ext: ext, customID: customID)
        }
        return shaped
    }

    private func images(_ body: [UInt8], ext: String, customID: String) throws(BinaryOutputError) -> [UInt8] {
        guard var object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            var data = object["data"] as? [[String: Any]]
        else { return body }
        let name = OutputFileName.forCustomID(customID)
        var changed = false
        for index in data.indices {
            guard let encoded = data[index]["b64_json"] as? String,
                let bytes = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters)
            else { continue }
            let path = try writer.save(
                Array(bytes), name: data.count == 1 ? name : "\(name)-\(index)", fileExtension: ext)
            data[index]["b64_json"] = nil
            data[index].merge(
                Self.descriptor(
                    path: path, bytes: bytes.count, contentType: ExpectedAnswer.contentType(forExtension: ext)
                )
            ) { $1 }
            changed = true
        }
        guard changed else { return body }
        object["data"] = data
        return Self.serialize(object)
    }

    private static func descriptor(path: String, bytes: Int, contentType: String) -> [String: Any] {
        ["file": path, "bytes": bytes, "content_type": contentType]
    }

    private static func serialize(_ object: [String: Any]) -> [UInt8] {
        let data = try? JSONSerialization.data(
            withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return data.map(Array.init) ?? Array("{}".utf8)
    }
}
