import BatchCore

/// Where the `body` of an input line lies, found without parsing the line again.
///
/// Only for a line whose ``LineHash`` is the one recorded at ingest: it is then the line the parser
/// accepted, so its `custom_id`, `url` and model are the ones in its request row, and only the
/// body's place is needed. The answer cache's lookup finds it when a page is loaded
/// (``DispatchItem/bodyRange``), and the sender, having read the line back and checked its hash
/// again, sends that range instead of parsing the line a second time.
enum LineBody {
    /// The range of the top-level `body` object of `line`, or nil when it has none.
    static func range(of line: [UInt8]) -> Range<Int>? {
        guard let members = (try? JSONScanner.topLevelMembers(line)) ?? nil,
            let body = members.last(where: { $0.key == "body" }), body.kind == .object
        else { return nil }
        return body.range
    }
}
