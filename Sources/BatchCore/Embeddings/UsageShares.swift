/// Shares a whole number out in proportion to weights, so that the shares are whole and sum to it
/// exactly (largest remainder): the tokens a pack's answer reports, shared out by its lines'
/// estimates, add up to what the server billed.
///
/// Worked example: 100 tokens by estimates 1, 1, 1 give 34, 33, 33 (the remainder goes to the
/// earliest of equal fractions); by 3, 1 they give 75, 25. All-zero weights share equally.
public enum UsageShares {
    public static func split(_ total: Int, by weights: [Int]) -> [Int] {
        guard !weights.isEmpty else { return [] }
        let weights = weights.allSatisfy({ $0 <= 0 }) ? weights.map { _ in 1 } : weights.map { max(0, $0) }
        let sum = weights.reduce(0, +)
        var shares = weights.map { total * $0 / sum }
        var left = total - shares.reduce(0, +)
        let order = weights.indices.sorted { a, b in
            let (ra, rb) = ((total * weights[a]) % sum, (total * weights[b]) % sum)
            return ra != rb ? ra > rb : a < b
        }
        var position = 0
        while left > 0 {
            shares[order[position % order.count]] += 1
            left -= 1
            position += 1
        }
        return shares
    }
}
