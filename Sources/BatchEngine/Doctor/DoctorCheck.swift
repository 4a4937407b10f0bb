/// One check of `batchctl doctor`: what was checked, the verdict, what was found, and what to do
/// when it failed. Guarantee: no field ever holds a token, key or secret.
public struct DoctorCheck: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        case pass = "ok"
        case fail = "FAIL"
        case skipped = "skipped"
    }

    public var name: String
    public var verdict: Verdict
    public var detail: String
    /// What to do about a failure; empty when there is nothing to do.
    public var advice: String

    public init(name: String, verdict: Verdict, detail: String, advice: String = "") {
        self.name = name
        self.verdict = verdict
        self.detail = detail
        self.advice = advice
    }
}
