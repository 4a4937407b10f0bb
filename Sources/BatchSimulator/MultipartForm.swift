/// A parsed `multipart/form-data` body: its parts in order, by field name.
///
/// Handles quoted or bare boundaries, CRLF line breaks and binary part contents.
struct MultipartForm: Sendable {
    /// One form field.
    struct Part: Sendable {
        var name: String
        var filename: String?
        var data: [UInt8]

        /// The contents as UTF-8 text.
        var text: String { String(decoding: data, as: UTF8.self) }
    }

    var parts: [Part]

    /// The first part named `name`.
    func first(_ name: String) -> Part? { parts.first { $0.name == name } }

    /// The text of every part named `name`, in order.
    func all(_ name: String) -> [String] { parts.filter { $0.name == name }.map(\.text) }

    /// The boundary from a `Content-Type: multipart/form-data; boundary=…` value.
    static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingSpaces }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = piece.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = value.dropFirst().dropLast()
            }
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    /// Parses `body` with `boundary`; `nil` when the body is not well-formed multipart.
    init?(body: [UInt8], boundary: String) {
        let delimiter = Array(("--" + boundary).utf8)
        let separator = Array("\r\n\r\n".utf8)
        guard var cursor = Self.find(delimiter, in: body, from: 0) else { return nil }
        parts = []
        while true {
            cursor += delimiter.count
            // "--" after the delimiter closes the body.
            if cursor + 1 < body.count, body[cursor] == 45, body[cursor + 1] == 45 { return }
            guard let headerEnd = Self.find(separator, in: body, from: cursor),
                let next = Self.find(Array("\r\n".utf8) + delimiter, in: body, from: headerEnd)
            else { return nil }
            let headers = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            let content = Array(body[(headerEnd + separator.count)..<next])
            if let (name, filename) = Self.disposition(headers) {
                parts.append(Part(name: name, filename: filename, data: content))
            }
            cursor = next + 2
        }
    }

    /// `name` and `filename` from the part's `Content-Disposition` header.
    private static func disposition(_ headers: String) -> (String, String?)? {
        for line in headers.split(separator: "\r\n")
        where line.lowercased().hasPrefix("content-disposition:") {
            var name: String?
            var filename: String?
            for item in line.split(separator: ";").dropFirst().map({ $0.trimmingSpaces }) {
                let pair = item.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                var value = pair[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                    value = value.dropFirst().dropLast()
                }
                switch pair[0].lowercased() {
                case "name": name = String(value)
                case "filename": filename = String(value)
                default: break
                }
            }
            return name.map { ($0, filename) }
        }
        return nil
    }

    /// The first index of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension Substring {
    /// The substring without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
