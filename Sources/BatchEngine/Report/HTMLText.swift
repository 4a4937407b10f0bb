/// Text made safe for HTML: `&`, `<`, `>`, `"` and `'` escaped, so that nothing read from an input,
/// an answer or an error message can open a tag or an attribute in a report.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `value` with thousands separators (`1,234,567`).
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// `value` with `places` decimals, never in exponent form (`0.000059`, not `5.9e-05`).
    static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.isFinite, abs(scaled) < 9e18 else { return "\(value)" }
        let units = Int64(scaled).magnitude
        let whole = units / UInt64(scale)
        let sign = scaled < 0 ? "-" : ""
        guard places > 0 else { return sign + "\(whole)" }
        let fraction = String(units % UInt64(scale))
        return sign + "\(whole)." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    /// US dollars, `$0.123456` below a cent, `$12.34` above; "no price" for `nil`.
    static func dollars(_ value: Double?) -> String {
        guard let value else { return "no price" }
        return "$" + decimal(value, places: value < 0.01 ? 6 : 2)
    }
}
