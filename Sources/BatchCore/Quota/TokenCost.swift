#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Estimates what a request costs against a tokens-per-minute budget, the way Azure charges it on
/// arrival: an estimate of the prompt plus the most the answer may use.
///
///     cost = ceil(prompt text bytes / 4) + max_tokens × n
///
/// `prompt text bytes` are the bytes of the string values inside the body's `messages`, `input`,
/// `prompt` and `instructions` (role names included, keys and JSON syntax not; escapes count as
/// written, so the estimate errs slightly high); the answer's limit is `max_tokens`,
/// `max_completion_tokens` or `max_output_tokens`; `n` defaults to 1. Example: messages
/// `[{"role":"user","content":"Summarise this article …"}]` whose content is 172 bytes and
/// `"max_tokens": 500` cost ceil((4 + 172) / 4) + 500 = 544. Requests with no token budget (audio)
/// cost 0. The report sets the sum of these estimates beside the `usage` the answers reported.
public enum TokenCost {
    /// The largest estimate given, above any model's context and answer combined: a body asking
    /// for an absurd `max_tokens` (which the server refuses, uncharged) neither traps nor holds its
    /// lane's token budget in debt for hours.
    public static let maximum = 4_000_000

    public static func estimate(body: UnsafeRawBufferPointer, path: APIPath) -> Int {
        var nested: [JSONRawMember]? = nil
        guard let members = try? JSONScanner.rawTopLevelMembers(body, expanding: nil, nested: &nested) else {
            return 0
        }
        return estimate(members: members, in: body, path: path)
    }

    /// The estimate from a body's top-level members, already scanned (ranges relative to
    /// `buffer`): the line parser passes the body members it found, so ingest scans a body once.
    static func estimate(members: [JSONRawMember], in buffer: UnsafeRawBufferPointer, path: APIPath) -> Int {
        var promptBytes = 0
        var answerLimit = 0
        var choices = 1
        for member in members {
            let value = UnsafeRawBufferPointer(rebasing: buffer[member.range])
            func key(_ name: StaticString) -> Bool { member.keyEquals(name, in: buffer) }
            if key("messages") || key("input") || key("prompt") || key("instructions") {
                promptBytes += textBytes(value)
            } else if key("max_tokens") || key("max_completion_tokens") || key("max_output_tokens") {
                answerLimit = max(answerLimit, JSONScanner.integerValue(value) ?? 0)
            } else if key("n") || key("best_of") {
                choices = max(choices, JSONScanner.integerValue(value) ?? 1)
            }
        }
        let prompt = max(1, (promptBytes + 3) / 4)
        switch path {
        case .audioTranscriptions, .audioTranslations:
            return 0
        case .embeddings, .moderations:
            return prompt
        default:
            // Saturating: a body asking for absurd limits must not trap, only cost "everything".
            let (answer, overflow) = answerLimit.multipliedReportingOverflow(by: choices)
            return overflow ? Self.maximum : min(Self.maximum, prompt + min(answer, Self.maximum))
        }
    }

    /// The bytes inside the string values of a JSON value (object keys excluded), plus four for
    /// each number outside strings (a pre-tokenized `input` such as `[[1734, 2079]]` is one token
    /// per number).
    static func textBytes(_ value: UnsafeRawBufferPointer) -> Int {
        var total = 0
        var index = 0
        let count = value.count
        var inNumber = false
        while index < count {
            guard value[index] == UInt8(ascii: "\"") else {
                let isDigit = value[index] >= UInt8(ascii: "0") && value[index] <= UInt8(ascii: "9")
                if isDigit && !inNumber { total += 4 }
                inNumber = isDigit
                index += 1
                continue
            }
            inNumber = false
            let start = index + 1
            index = closingQuote(value, from: start)
            let length = min(index, count) - start
            index += 1
            var next = index
            while next < count,
                value[next] == 0x20 || value[next] == 0x0A || value[next] == 0x0D || value[next] == 0x09
            {
                next += 1
            }
            if next >= count || value[next] != UInt8(ascii: ":") { total += length }
        }
        return total
    }

    /// The index of the quote that closes a string whose contents start at `start` (or `count`
    /// when there is none): `memchr` to each quote, which is escaped when an odd number of
    /// backslashes precedes it. Prompts run to kilobytes; this is what keeps ingest fast.
    private static func closingQuote(_ value: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = value.baseAddress else { return value.count }
        var from = start
        while from < value.count {
            guard let found = memchr(base + from, Int32(UInt8(ascii: "\"")), value.count - from) else {
                return value.count
            }
            let quote = base.distance(to: UnsafeRawPointer(found))
            var backslashes = 0
            while quote - backslashes - 1 >= start, value[quote - backslashes - 1] == UInt8(ascii: "\\") {
                backslashes += 1
            }
            if backslashes % 2 == 0 { return quote }
            from = quote + 1
        }
        return value.count
    }
}
