import Foundation

/// Builds job files for the end-to-end tests.
enum JobFiles {
    static func line(_ object: [String: Any]) -> String {
        String(
            decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
            as: UTF8.self)
    }

    static func chat(_ id: String, model: String = "gpt-4o-mini", url: String = "/v1/chat/completions")
        -> String
    {
        line([
            "custom_id": id, "method": "POST", "url": url,
            "body": [
                "model": model, "messages": [["role": "user", "content": "Say hello to \(id)"]],
                "max_tokens": 16,
            ],
        ])
    }

    static func responses(_ id: String, model: String = "gpt-4o-mini") -> String {
        line([
            "custom_id": id, "method": "POST", "url": "/v1/responses",
            "body": ["model": model, "input": "Summarize \(id)", "max_output_tokens": 16],
        ])
    }

    static func embedding(_ id: String, model: String = "text-embedding-3-small") -> String {
        line([
            "custom_id": id, "method": "POST", "url": "/v1/embeddings",
            "body": ["model": model, "input": "text of \(id)"],
        ])
    }

    /// Malformed lines, each with the code its error line must carry.
    static let malformed: [(line: String, code: String)] = [
        ("this is not json", "invalid_json_line"),
        (#"["an", "array"]"#, "not_an_object"),
        (#"{"method":"POST","url":"/v1/chat/completions","body":{"model":"m"}}"#, "missing_custom_id"),
        (#"{"custom_id":"bad-url","method":"POST","url":"/v1/nope","body":{"model":"m"}}"#, "url_mismatch"),
        (
            #"{"custom_id":"no-model","method":"POST","url":"/v1/chat/completions","body":{}}"#,
            "missing_model"
        ),
        (
            #"{"custom_id":"get","method":"GET","url":"/v1/chat/completions","body":{"model":"m"}}"#,
            "invalid_method"
        ),
    ]

    /// Writes `count` valid lines mixing chat, responses and embeddings, with the malformed lines
    /// spread through the file. Returns the path, the valid custom_ids and the malformed line numbers.
    static func mixed(in folder: String, name: String, count: Int, chatURL: String = "/v1/chat/completions")
        -> (path: String, ids: [String], malformed: [Int: String])
    {
        var lines: [String] = []
        var ids: [String] = []
        var malformed: [Int: String] = [:]
        let spacing = max(1, count / (Self.malformed.count + 1))
        var nextBad = 0
        for i in 0..<count {
            if i > 0, i % spacing == 0, nextBad < Self.malformed.count {
                lines.append(Self.malformed[nextBad].line)
                malformed[lines.count] = Self.malformed[nextBad].code
                nextBad += 1
            }
            let id = "req-\(i)"
            ids.append(id)
            switch i % 3 {
            case 0: lines.append(chat(id, url: chatURL))
            case 1: lines.append(responses(id))
            default: lines.append(embedding(id))
            }
        }
        let path = folder + "/" + name
        _ = FileManager.default.createFile(
            atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        return (path, ids, malformed)
    }
}
