import BatchCore
import BatchStore

/// One request travelling through the dispatcher: what to send and how many attempts it has had.
///
/// Either one input line, or a *pack*: several embedding lines sent as one request
/// (``members``, in line order; ``request`` is then the first member's). A pack is one request to
/// its lane (one slot, one against RPM) and the sum of its lines' estimates against its TPM
/// (``cost``); each member keeps its own line, and ends with its own output line.
public struct DispatchItem: Sendable {
    public var request: PendingRequest
    public var lane: LaneKey
    /// Attempts made so far, across restarts.
    public var attempts: Int
    /// 429 answers received in this run (they are budgeted apart from failures).
    public var throttled = 0
    /// When it may be sent.
    public var due: Timestamp
    /// How long the server took to answer its latest attempt (``HTTPAnswer/latency``); a success's
    /// latency drives the lane's adaptive window (see ``ConcurrencyLimit``).
    public var latency: Duration?
    /// How the line may be packed, read from its body when it was loaded; nil: it is sent alone.
    public var packing: Packing?
    /// Where the line's `body` lies, found when it was loaded from a line whose hash matched
    /// ingest's (``LineBody``); the sender uses it once the line it reads back has that hash
    /// again. Nil: the sender parses the line.
    public var bodyRange: Range<Int>?
    /// A pack's lines, in order; empty for a line sent alone.
    public var members: [DispatchItem] = []
    /// The answer bytes it was expected to bring when it started (``DispatchState`` budgets them).
    var answerEstimate = 0

    /// What packing needs to know of an embedding line.
    public struct Packing: Sendable, Equatable {
        /// Equal for lines whose bodies are equal apart from `input` (``EmbeddingInput/packKey``).
        public var key: UInt64
        /// The inputs the line holds (a line whose `input` is an array packs as its slice).
        public var inputs: Int

        public init(key: UInt64, inputs: Int) {
            self.key = key
            self.inputs = inputs
        }
    }

    public init(request: PendingRequest, lane: LaneKey) {
        self.request = request
        self.lane = lane
        self.attempts = request.attempts
        self.due = request.nextAttemptAt
    }

    /// A pack of `members` (at least two), sent as one request.
    init(pack members: [DispatchItem]) {
        precondition(members.count > 1, "a pack holds at least two lines")
        self = members[0]
        self.members = members
        self.attempts = members.map(\.attempts).max() ?? 0
        self.throttled = members.map(\.throttled).max() ?? 0
        self.packing = nil
    }

    /// Whether this is a pack of several lines.
    public var isPack: Bool { !members.isEmpty }

    /// The input lines this request carries.
    public var lineCount: Int { max(1, members.count) }

    /// The embedding inputs it carries (1 for a line that is not an embedding).
    public var inputCount: Int {
        isPack ? members.reduce(0) { $0 + ($1.packing?.inputs ?? 1) } : (packing?.inputs ?? 1)
    }

    /// What it costs against its lane's TPM: the sum of its lines' estimates.
    public var cost: Int {
        isPack ? members.reduce(0) { $0 + $1.request.cost } : request.cost
    }
}
