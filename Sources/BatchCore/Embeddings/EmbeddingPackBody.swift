/// The body of one request that carries the inputs of several embedding lines: the first line's
/// body with its `input` value replaced by the array of every line's inputs, in order.
///
/// The lines of a pack have equal ``EmbeddingInput/packKey``s, so every other member (`model`,
/// `dimensions`, `encoding_format`, `user`, …) is the same for all of them and taken from the first.
/// Inputs are copied as bytes, never decoded: what the server reads is what each line held.
public enum EmbeddingPackBody {
    /// Builds the body from `template` (the first line's body, with `inputRange` its `input` value)
    /// and each line's input elements, already sliced out of their bodies.
    public static func build(template: [UInt8], inputRange: Range<Int>, elements: [ArraySlice<UInt8>])
        -> [UInt8]
    {
        var out: [UInt8] = []
        out.reserveCapacity(template.count + elements.reduce(0) { $0 + $1.count + 1 })
        out.append(contentsOf: template[..<inputRange.lowerBound])
        out.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: element)
        }
        out.append(UInt8(ascii: "]"))
        out.append(contentsOf: template[inputRange.upperBound...])
        return out
    }
}
