/// The content type sent for an uploaded file, from its extension (the formats OpenAI's audio and
/// image operations accept); anything else is `application/octet-stream`.
public enum MediaType {
    /// The content type for a file named `fileName`.
    public static func forFileName(_ fileName: String) -> String {
        let ext = fileName.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "mp3", "mpga", "mpeg": return "audio/mpeg"
        case "mp4", "m4a": return "audio/mp4"
        case "wav": return "audio/wav"
        case "webm": return "audio/webm"
        case "ogg", "oga", "opus": return "audio/ogg"
        case "flac": return "audio/flac"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        default: return "application/octet-stream"
        }
    }
}
