import BatchCore
import Foundation
import Testing

@testable import BatchStore

@Suite("Queue: claims and leases")
struct QueueClaimTests {
    let fixture: QueueFixture
    var store: Store { fixture.store }
    let me = ProcessInfo.processInfo.processIdentifier
    let now = QueueFixture.now
    let lease = Duration.seconds(30)

    init() throws { fixture = try QueueFixture() }

    private func claim(_ id: Int64, pid: Int32, token: String, at time: Timestamp? = nil) throws
        -> ClaimOutcome
    {
        try store.write {
            try $0.claim(
                job: id, pid: pid, token: token, now: time ?? now, lease: lease, isAlive: processIsAlive)
        }
    }

    private func newJob() throws -> Int64 {
        try store.write { try $0.insertJob(QueueFixture.newJob()) }
    }

    @Test("claiming a missing job")
    func notFound() throws {
        #expect(try claim(404, pid: me, token: "a") == .notFound)
    }

    @Test("a claim makes the job running and records the owner and lease")
    func claimed() throws {
        let id = try newJob()
        guard case .claimed(let job) = try claim(id, pid: me, token: "a") else {
            Issue.record("expected a claim")
            return
        }
        #expect(job.state == .running)
        #expect(job.owner == JobOwner(pid: me, token: "a", leaseUntil: now.advanced(by: lease)))
        #expect(job.startedAt == now)
        #expect(try store.read { try $0.job(id) } == job)
    }

    @Test("a live owner with a valid lease keeps the job")
    func busy() throws {
        let id = try newJob()
        _ = try claim(id, pid: me, token: "owner")
        #expect(
            try claim(id, pid: me, token: "intruder", at: now.advanced(by: .seconds(29))) == .busy(pid: me))
        #expect(try store.read { try $0.job(id) }?.owner?.token == "owner")
    }

    @Test("the same token claims again")
    func reclaim() throws {
        let id = try newJob()
        _ = try claim(id, pid: me, token: "a")
        let later = now.advanced(by: .seconds(5))
        guard case .claimed(let job) = try claim(id, pid: me, token: "a", at: later) else {
            Issue.record("expected a claim")
            return
        }
        #expect(job.owner?.leaseUntil == later.advanced(by: lease))
        #expect(job.startedAt == now)
    }

    @Test("a job owned by a dead process is taken over")
    func deadOwner() throws {
        let dead = try deadProcessID()
        try #require(!processIsAlive(dead))
        let id = try newJob()
        _ = try claim(id, pid: dead, token: "crashed")
        guard case .claimed(let job) = try claim(id, pid: me, token: "new", at: now.advanced(by: .seconds(1)))
        else {
            Issue.record("expected a takeover")
            return
        }
        #expect(job.owner?.pid == me)
        #expect(job.owner?.token == "new")
    }

    @Test("a job whose lease expired is taken over, even from a live pid")
    func expiredLease() throws {
        let id = try newJob()
        _ = try claim(id, pid: me, token: "stale")
        let expiry = now.advanced(by: lease)
        #expect(
            try claim(id, pid: me, token: "new", at: Timestamp(milliseconds: expiry.milliseconds - 1))
                == .busy(pid: me))
        guard case .claimed(let job) = try claim(id, pid: me, token: "new", at: expiry) else {
            Issue.record("expected a takeover")
            return
        }
        #expect(job.owner?.token == "new")
    }

    @Test(
        "paused and final jobs are not runnable",
        arguments: [JobState.paused, .completed, .failed, .cancelled])
    func notRunnable(state: JobState) throws {
        let id = try newJob()
        try store.write { try $0.setState(job: id, state, now: now) }
        #expect(try claim(id, pid: me, token: "a") == .notRunnable(state))
    }

    @Test("renewLease extends only the owner's lease")
    func renew() throws {
        let id = try newJob()
        _ = try claim(id, pid: me, token: "owner")
        let until = now.advanced(by: .seconds(90))
        #expect(try store.write { try $0.renewLease(job: id, token: "other", until: until) } == false)
        #expect(try store.read { try $0.job(id) }?.owner?.leaseUntil == now.advanced(by: lease))
        #expect(try store.write { try $0.renewLease(job: id, token: "owner", until: until) } == true)
        #expect(try store.read { try $0.job(id) }?.owner?.leaseUntil == until)
    }

    @Test("release by the owner sets the state and clears the owner; others are ignored")
    func release() throws {
        let id = try newJob()
        _ = try claim(id, pid: me, token: "owner")
        try store.write { try $0.release(job: id, token: "other", state: .queued, now: now) }
        #expect(try store.read { try $0.job(id) }?.state == .running)
        try store.write {
            try $0.release(
                job: id, token: "owner", state: .paused, code: .inputModified, reason: "changed", now: now)
        }
        let job = try #require(try store.read { try $0.job(id) })
        #expect(job.state == .paused)
        #expect(job.stateCode == .inputModified)
        #expect(job.stateReason == "changed")
        #expect(job.owner == nil)
        #expect(job.finishedAt == nil)
    }
}
