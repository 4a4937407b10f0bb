import Foundation

/// A page as a browser serialised it (`--dump-dom`): HTML, not XML, so it is read by the few
/// patterns the report's markup has (elements by id, elements by tag and class, their text).
struct RenderedPage {
    let html: String

    /// The markup of the element that opens with `<tag id="id"`, up to its closing tag (the
    /// report's sections and tables do not nest their own kind).
    func element(_ tag: String, id: String) -> String? {
        guard let open = html.range(of: "<\(tag) id=\"\(id)\""),
            let close = html.range(of: "</\(tag)>", range: open.upperBound..<html.endIndex)
        else { return nil }
        return String(html[open.lowerBound..<close.upperBound])
    }

    /// The text of a headline figure (`<div … id="figure-ID"><span class="value">…</span>`).
    func figure(_ id: String) -> String? {
        guard let start = html.range(of: "id=\"figure-\(id)\"><span class=\"value\">"),
            let end = html.range(of: "</span>", range: start.upperBound..<html.endIndex)
        else { return nil }
        return Self.text(html[start.upperBound..<end.lowerBound])
    }

    /// Every `<tag …>` opening in `markup` whose attributes contain `attribute` (e.g. `class="bar"`),
    /// with the text of the `<title>` right inside it when it has one.
    static func elements(_ tag: String, _ attribute: String, in markup: String) -> [(
        tag: String, title: String?
    )] {
        var found: [(String, String?)] = []
        var rest = markup[...]
        while let open = rest.range(of: "<\(tag) ") {
            guard let end = rest.range(of: ">", range: open.upperBound..<rest.endIndex) else { break }
            let opening = String(rest[open.lowerBound..<end.upperBound])
            rest = rest[end.upperBound...]
            guard opening.contains(attribute) else { continue }
            var title: String?
            if rest.hasPrefix("<title>"), let close = rest.range(of: "</title>") {
                title = text(rest[rest.index(rest.startIndex, offsetBy: 7)..<close.lowerBound])
            }
            found.append((opening, title))
        }
        return found
    }

    /// The cells of each `<tr>` of `markup`'s body rows, as text.
    static func rows(in markup: String) -> [[String]] {
        guard let body = markup.range(of: "<tbody>") else { return [] }
        return markup[body.upperBound...].components(separatedBy: "<tr").dropFirst().map { row in
            row.components(separatedBy: "<td>").dropFirst().map { cell in
                text(cell.components(separatedBy: "</td>")[0][...])
            }
        }
    }

    /// `markup` without its tags, its entities decoded.
    static func text(_ markup: Substring) -> String {
        var out = ""
        var inTag = false
        for character in markup {
            if character == "<" {
                inTag = true
            } else if character == ">" {
                inTag = false
            } else if !inTag {
                out.append(character)
            }
        }
        return out.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "&amp;", with: "&")
    }
}
