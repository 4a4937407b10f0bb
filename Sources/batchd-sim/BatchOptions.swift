import ArgumentParser
import BatchSimulator

/// How the simulator's Batch API behaves (``BatchSimulation``): the flags of `batchd-sim`.
struct BatchOptions: ParsableArguments {
    @Option(help: "Seconds a batch takes from creation to its final status (0: ended at the first poll).")
    var batchProcessingSeconds: Double = 0

    @Flag(help: "Every batch ends expired: part of its lines answered, the rest batch_expired.")
    var batchExpire = false

    @Option(help: "With --batch-expire: the share (0-1) of a batch's lines answered before it expired.")
    var batchExpireAnswered: Double = 0.5

    @Option(help: "The share (0-1) of lines that fail with a 500 in the error file (by custom_id).")
    var batchLineFailures: Double = 0

    @Option(
        help: """
            The share (0-1) of lines refused by validation with their line number (by custom_id); \
            a batch with any such line fails.
            """)
    var batchValidationFailures: Double = 0

    func validate() throws {
        guard batchProcessingSeconds >= 0 else {
            throw ValidationError("--batch-processing-seconds must be ≥ 0.")
        }
        for (name, share) in [
            ("--batch-expire-answered", batchExpireAnswered), ("--batch-line-failures", batchLineFailures),
            ("--batch-validation-failures", batchValidationFailures),
        ] where !(0...1).contains(share) {
            throw ValidationError("\(name) must be between 0 and 1.")
        }
    }

    var simulation: BatchSimulation {
        var simulation = BatchSimulation()
        simulation.processingTime = .milliseconds(Int64(batchProcessingSeconds * 1000))
        simulation.expire = batchExpire
        simulation.answeredShareOnExpiry = batchExpireAnswered
        simulation.lineFailureRate = batchLineFailures
        simulation.validationFailureRate = batchValidationFailures
        return simulation
    }
}
