import BatchCore
import BatchStore
import BatchTransport
import Foundation
import Logging

/// Learned limits kept across processes: a lane this process creates starts from what an earlier
/// one learned on the same server and model (at most ``LearnedBudget/maximumAge`` ago), and what
/// the job's lanes learn is saved while they learn it, so that an interrupted job's next process
/// does not measure the limits again.
extension DispatchLoop {
    /// How often, at most, the loop looks whether its lanes learned something new to save.
    static let learnedSaveInterval: Int64 = 2000

    /// The server a learned budget is kept under: the endpoint's base URL without user info, query
    /// or fragment (never a key), so that two endpoint names for one server share what they
    /// learned and one name moved to another server does not.
    var learnedServer: String {
        var url = sender.endpoint.baseURL
        if let cut = url.firstIndex(where: { $0 == "?" || $0 == "#" }) { url = String(url[..<cut]) }
        if let scheme = url.range(of: "://") {
            let rest = url[scheme.upperBound...]
            let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            if let at = rest[..<hostEnd].lastIndex(of: "@") {
                url = String(url[..<scheme.upperBound]) + String(rest[rest.index(after: at)...])
            }
        }
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Seeds `lanes` that this process has not created yet with what an earlier process learned.
    /// A store that cannot be read seeds nothing: the lanes then learn afresh.
    func seedLearned(lanes: Set<LaneKey>) async {
        let env = environment
        for lane in lanes where !env.lanes.exists(lane) {
            do {
                if let learned = try await env.store.learnedBudget(
                    server: learnedServer, model: lane.model, now: env.clock.now)
                {
                    env.lanes.seed(lane, learned: learned)
                }
            } catch {
                logger.warning(
                    "learned limits not read", metadata: ["lane": "\(lane)", "error": "\(error)"])
            }
        }
    }

    /// What the job's lanes know now and `saved` does not: the saves to make, recorded in `saved`.
    func learnedToSave(state: DispatchState, saved: inout [LaneKey: LearnedBudget], now: Timestamp)
        -> [(LaneKey, LearnedBudget)]
    {
        var changes: [(LaneKey, LearnedBudget)] = []
        for lane in state.joinedLanes {
            guard let learned = environment.lanes.learned(lane, now: now) else { continue }
            if let known = saved[lane], known.sameKnowledge(as: learned) { continue }
            saved[lane] = learned
            changes.append((lane, learned))
        }
        return changes
    }

    /// Saves `changes` (see ``learnedToSave(state:saved:now:)``) for `server`. A failed save is
    /// logged, not thrown: the job does not depend on it.
    static func saveLearned(
        _ changes: [(LaneKey, LearnedBudget)], store: Store, server: String, logger: Logger
    ) async {
        for (lane, learned) in changes {
            do {
                try await store.saveLearnedBudget(learned, server: server, model: lane.model)
            } catch {
                logger.warning(
                    "learned limits not saved", metadata: ["lane": "\(lane)", "error": "\(error)"])
            }
        }
    }
}
