import Foundation

/// A systemd unit file read into sections and assignments, as systemd reads it
/// (systemd.syntax(7)), so tests assert on what systemd will see rather than on substrings.
///
/// - `[Name]` starts a section; `Key=Value` assigns in the current section, with the whitespace
///   around the key and the value removed;
/// - lines starting with `#` or `;` are comments (inside a continued line too), blank lines are
///   skipped;
/// - a line ending in `\` continues on the next one (the backslash becomes a space);
/// - a key may be assigned many times: ``values(_:_:)`` gives the list settings' values in order,
///   an empty assignment clearing the ones before it, and ``value(_:_:)`` the last one, which is
///   what a single-valued setting takes.
struct SystemdUnitFile {
    struct Assignment: Equatable {
        var section: String
        var key: String
        var value: String
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var text: String
        var description: String { "line \(line) is neither a section, an assignment nor a comment: \(text)" }
    }

    /// Section names in the order they first appear.
    private(set) var sections: [String] = []
    /// Every assignment, in file order.
    private(set) var assignments: [Assignment] = []

    init(contentsOfFile path: String) throws {
        try self.init(parsing: String(contentsOfFile: path, encoding: .utf8))
    }

    init(parsing text: String) throws {
        var section: String?
        var pending = ""
        var pendingLine = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            // Comments are skipped inside a continued line too.
            if line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if pending.isEmpty {
                if line.isEmpty { continue }
                pendingLine = index + 1
            }
            if line.hasSuffix("\\") {
                line.removeLast()
                pending += line + " "
                continue
            }
            line = pending + line
            pending = ""
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = String(line.dropFirst().dropLast())
                if !sections.contains(name) { sections.append(name) }
                section = name
                continue
            }
            guard let section, let equals = line.firstIndex(of: "=") else {
                throw ParseError(line: pendingLine, text: line)
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw ParseError(line: pendingLine, text: line) }
            assignments.append(Assignment(section: section, key: key, value: value))
        }
    }

    /// The values assigned to `key` in `section`, in order; an empty assignment clears the list.
    func values(_ section: String, _ key: String) -> [String] {
        var values: [String] = []
        for assignment in assignments where assignment.section == section && assignment.key == key {
            if assignment.value.isEmpty { values.removeAll() } else { values.append(assignment.value) }
        }
        return values
    }

    /// The last value assigned to `key` in `section`, `nil` when it is not assigned there.
    func value(_ section: String, _ key: String) -> String? {
        assignments.last { $0.section == section && $0.key == key }?.value
    }

    /// The keys assigned in `section`.
    func keys(_ section: String) -> Set<String> {
        Set(assignments.filter { $0.section == section }.map(\.key))
    }

    /// A space-separated list setting (`RestrictAddressFamilies=`, `Environment=`, `ExecStart=`
    /// arguments) split into its words, over every assignment of it.
    func words(_ section: String, _ key: String) -> [String] {
        values(section, key).flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
    }
}
