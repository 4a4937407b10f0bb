/// The rate-limit headers of an answer, as OpenAI and Azure send them.
///
/// OpenAI sends `x-ratelimit-limit-requests|tokens`, `x-ratelimit-remaining-requests|tokens` and
/// `x-ratelimit-reset-requests|tokens` (durations such as `12ms`, `1.5s`, `6m0s`). Azure sends the
/// remaining values, sometimes `-1` or `0` on answers that were not limited: values that cannot be
/// trusted are left out here (negative numbers, unparsable text), and callers must not take a 0
/// on a successful answer at face value.
public struct RateLimitHeaders: Sendable, Equatable {
    public var limitRequests: Int?
    public var limitTokens: Int?
    public var remainingRequests: Int?
    public var remainingTokens: Int?
    public var resetRequests: Duration?
    public var resetTokens: Duration?

    public init(
        limitRequests: Int? = nil, limitTokens: Int? = nil, remainingRequests: Int? = nil,
        remainingTokens: Int? = nil, resetRequests: Duration? = nil, resetTokens: Duration? = nil
    ) {
        self.limitRequests = limitRequests
        self.limitTokens = limitTokens
        self.remainingRequests = remainingRequests
        self.remainingTokens = remainingTokens
        self.resetRequests = resetRequests
        self.resetTokens = resetTokens
    }

    public init(_ headers: HTTPHeaderFields) {
        func count(_ name: String) -> Int? {
            guard let text = headers[name], let value = Int(text.trimmed), value >= 0 else { return nil }
            return value
        }
        self.init(
            limitRequests: count("x-ratelimit-limit-requests"),
            limitTokens: count("x-ratelimit-limit-tokens"),
            remainingRequests: count("x-ratelimit-remaining-requests"),
            remainingTokens: count("x-ratelimit-remaining-tokens"),
            resetRequests: headers["x-ratelimit-reset-requests"].flatMap(Self.duration),
            resetTokens: headers["x-ratelimit-reset-tokens"].flatMap(Self.duration))
    }

    /// How long a 429 carrying these headers should wait when it has no `retry-after(-ms)`: the
    /// reset time of the limit that is exhausted (remaining 0), else the shortest reset given.
    public var resetWait: Duration? {
        let exhausted = [
            remainingRequests == 0 ? resetRequests : nil, remainingTokens == 0 ? resetTokens : nil,
        ].compactMap { $0 }
        if let longest = exhausted.max() { return longest }
        return [resetRequests, resetTokens].compactMap { $0 }.min()
    }

    /// Parses Go-style durations as OpenAI sends them: `12ms`, `1.5s`, `6m0s`, `1h2m3.5s`.
    public static func duration(_ text: String) -> Duration? {
        var total = 0.0
        var number = ""
        var parsedAny = false
        var characters = Array(text.trimmed)[...]
        while let character = characters.first {
            if character.isNumber || character == "." {
                number.append(character)
                characters.removeFirst()
                continue
            }
            var unit = String(character)
            characters.removeFirst()
            if unit == "m", characters.first == "s" {
                unit = "ms"
                characters.removeFirst()
            }
            guard let value = Double(number) else { return nil }
            switch unit {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            case "ms": total += value / 1000
            default: return nil
            }
            number = ""
            parsedAny = true
        }
        guard number.isEmpty, parsedAny, total.isFinite, total >= 0 else { return nil }
        return .milliseconds(Int64((total * 1000).rounded(.up)))
    }
}
