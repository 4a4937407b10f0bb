extension JSONCursor {
    /// Skips an embedding's floats 64 bytes at a time while each block holds only numbers without
    /// exponents or whitespace (`-0.0123,0.5,…`): called on the first byte of a number that
    /// follows a `,`, it leaves the cursor on the first byte after the last comma of the last block
    /// it took (the start of a number, which the caller scans as usual), or where it was.
    ///
    /// Only ever a shortcut: a block holding anything else (an exponent, whitespace, `]`, a bad
    /// number) is left to the byte-by-byte scan, which accepts or rejects it and names the error.
    @inline(__always) mutating func skipNumberBlocks() {
        // A block reads one byte before it and one after it.
        while pos + 65 <= count, let taken = JSONCursor.numberBlock(at: base + pos) {
            pos += taken
        }
    }

    /// For the 64 bytes at `block` (`block[-1]` is a `,`; `block[-1]` and `block[64]` are
    /// readable): the length up to and including the block's last comma when every byte up to it
    /// belongs to whole numbers `-?(0|[1-9][0-9]*)(\.[0-9]+)?` separated by single commas, each
    /// comma followed by a digit or `-`; nil otherwise (including when the block has no comma).
    ///
    /// Each byte is checked against its neighbours with vector comparisons (a `-` only after a
    /// comma and before a digit, a `.` and a `,` only after a digit, a `.` before a digit, a `,`
    /// before a digit or `-`, no leading zero); one `.` per number is checked on bit masks: the
    /// digits after each `.` run up to a comma.
    static func numberBlock(at block: UnsafePointer<UInt8>) -> Int? {
        var bad = SIMDMask<SIMD16<Int8>>(repeating: false)
        var commas: UInt64 = 0
        var dots: UInt64 = 0
        for lane in 0..<4 {
            let start = UnsafeRawPointer(block + 16 * lane)
            let byte = start.loadUnaligned(as: SIMD16<UInt8>.self)
            let before = (start - 1).loadUnaligned(as: SIMD16<UInt8>.self)
            let after = (start + 1).loadUnaligned(as: SIMD16<UInt8>.self)
            let digit = isDigit(byte)
            let comma = byte .== Self.comma
            let dot = byte .== Self.dot
            let minus = byte .== Self.minus
            let digitBefore = isDigit(before)
            let commaBefore = before .== Self.comma
            let digitAfter = isDigit(after)
            let numberAfter = digitAfter .| (after .== Self.minus)
            bad .|= .!(digit .| comma .| dot .| minus)
            bad .|= minus .& .!(commaBefore .& digitAfter)
            bad .|= dot .& .!(digitBefore .& digitAfter)
            bad .|= comma .& .!(digitBefore .& numberAfter)
            bad .|= (byte .== Self.zero) .& (commaBefore .| (before .== Self.minus)) .& digitAfter
            commas |= bits(comma) << UInt64(16 * lane)
            dots |= bits(dot) << UInt64(16 * lane)
        }
        guard bits(bad) == 0, commas != 0 else { return nil }
        let last = 63 - commas.leadingZeroBitCount
        let upToLast: UInt64 = last == 63 ? ~0 : (1 << UInt64(last + 1)) - 1
        // Within whole numbers, the bytes between separators are digits (and a leading `-`). Adding
        // the first digit after each `.` carries through its run onto the separator after it,
        // which must be a comma: never a second `.`. No carry passes the last comma.
        let between = ~(commas | dots) & upToLast
        let afterFractions = (between &+ ((dots << 1) & upToLast)) & ~between
        guard afterFractions & ~commas == 0 else { return nil }
        return last + 1
    }

    private static let comma = SIMD16<UInt8>(repeating: UInt8(ascii: ","))
    private static let dot = SIMD16<UInt8>(repeating: UInt8(ascii: "."))
    private static let minus = SIMD16<UInt8>(repeating: UInt8(ascii: "-"))
    private static let zero = SIMD16<UInt8>(repeating: UInt8(ascii: "0"))
    private static let ten = SIMD16<UInt8>(repeating: 10)
    private static let bitWeights = SIMD16<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128)

    @inline(__always) private static func isDigit(_ bytes: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
        (bytes &- zero) .< ten
    }

    /// Lane i of `mask` as bit i: each half's lanes weighted 1, 2, 4, … and summed by a multiply.
    @inline(__always) static func bits(_ mask: SIMDMask<SIMD16<Int8>>) -> UInt64 {
        let weighted = unsafeBitCast(mask, to: SIMD16<UInt8>.self) & bitWeights
        let halves = unsafeBitCast(weighted, to: SIMD2<UInt64>.self)
        let sum: UInt64 = 0x0101_0101_0101_0101
        return (halves[0] &* sum) >> 56 | ((halves[1] &* sum) >> 56) << 8
    }
}
