/// Whether a job reuses earlier answers to the same requests (job setting `cache`, `--cache`,
/// `--no-cache`; see ``CachePolicy``).
public enum CacheMode: String, Codable, Sendable, Equatable, CaseIterable {
    /// Deterministic requests only (the default): embeddings and moderations, and chat
    /// completions, completions and responses whose body sets `temperature: 0` or a `seed`.
    case auto
    /// Every request but those whose answers are saved as files (speech, images).
    case always
    /// None: every line is sent.
    case off
}

/// Which requests the answer cache may serve and fill, decided from the operation and the body.
///
/// Rules: `off` caches nothing; answers saved as files (speech, images, image edits) are never
/// cached, since they live in files of their own; `always` caches every other operation; `auto`
/// caches embeddings and moderations (the same input gives the same answer), audio
/// transcriptions and translations unless the body sets a `temperature` above `0` (the API's
/// default is `0`: a corpus transcribed again is not paid again; their key hashes the audio's
/// content, not its path), and chat completions, completions and responses only when the body
/// asks for a deterministic answer: a top-level `temperature` of `0` or a `seed`. Errors are never
/// cached (the caller records only 2xx answers).
public enum CachePolicy {
    /// Whether a request of `path` with `body` (its raw JSON bytes) is cacheable under `mode`.
    public static func applies(mode: CacheMode, path: APIPath, body: UnsafeRawBufferPointer) -> Bool {
        switch path {
        case .audioSpeech, .imagesEdits, .imagesGenerations:
            return false
        default: break
        }
        switch mode {
        case .off: return false
        case .always: return true
        case .auto:
            switch path {
            case .embeddings, .moderations: return true
            case .chatCompletions, .completions, .responses: return isDeterministic(body)
            case .audioTranscriptions, .audioTranslations: return !samplesAboveZero(body)
            default: return false
            }
        }
    }

    /// Whether `body` sets a `temperature` other than zero (or one that is not a number).
    static func samplesAboveZero(_ body: UnsafeRawBufferPointer) -> Bool {
        guard let members = (try? JSONScanner.topLevelMembers(body)) ?? nil else { return true }
        guard let member = members.last(where: { $0.key == "temperature" }) else { return false }
        switch member.kind {
        case .null: return false
        case .number, .string:
            var text = String(decoding: UnsafeRawBufferPointer(rebasing: body[member.range]), as: UTF8.self)
            if member.kind == .string { text = String(text.dropFirst().dropLast()) }
            return Double(text).map { $0 != 0 } ?? true
        default: return true
        }
    }

    /// Whether `body` sets `temperature` to zero or gives a `seed`.
    static func isDeterministic(_ body: UnsafeRawBufferPointer) -> Bool {
        guard let members = (try? JSONScanner.topLevelMembers(body)) ?? nil else { return false }
        var deterministic = false
        for member in members {
            switch member.key {
            case "seed":
                deterministic = deterministic || member.kind == .number
            case "temperature":
                guard member.kind == .number else { continue }
                let text = String(
                    decoding: UnsafeRawBufferPointer(rebasing: body[member.range]), as: UTF8.self)
                if let value = Double(text) { deterministic = deterministic || value == 0 }
            default: continue
            }
        }
        return deterministic
    }
}
