import BatchCore
import BatchPrices

extension Settings {
    /// The prices costs are computed with: the shipped table (``ShippedPrices``) with the config
    /// file's `prices` added over it.
    public var prices: PriceTable {
        ShippedPrices.table.overridden(by: file.prices ?? [:])
    }
}
