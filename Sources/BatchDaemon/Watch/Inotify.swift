import BatchEngine
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Linux inotify on a set of folders, read on a thread of its own and delivered to a callback.
///
/// Guarantees: one ``Event`` per kernel event on a direct child of a watched folder, in kernel
/// order; ``stop()`` ends the thread and closes the descriptors. Creating it throws when inotify
/// is unavailable; a folder that cannot be watched is reported by ``watch(_:)`` returning `false`
/// (the caller then relies on polling).
public final class Inotify: Sendable {
    /// What happened to a name in a watched folder.
    public enum Kind: Sendable, Equatable {
        /// Moved into the folder from elsewhere (a complete file, by convention).
        case renamedIn
        /// Created, written, closed after writing, or its attributes changed.
        case changed
        /// Deleted or moved away.
        case removed
        /// The kernel queue overflowed: events were lost, rescan everything.
        case overflow
    }

    /// One event: the folder (as passed to ``watch(_:)``), the name in it, and what happened.
    public struct Event: Sendable, Equatable {
        public var folder: String
        public var name: String
        public var kind: Kind
    }

    // Linux <sys/inotify.h> values.
    private static let modify: UInt32 = 0x2
    private static let attrib: UInt32 = 0x4
    private static let closeWrite: UInt32 = 0x8
    private static let movedFrom: UInt32 = 0x40
    private static let movedTo: UInt32 = 0x80
    private static let create: UInt32 = 0x100
    private static let delete: UInt32 = 0x200
    private static let overflowFlag: UInt32 = 0x4000
    private static let onlyDir: UInt32 = 0x0100_0000

    private let fd: Int32
    private let wakePipe: (read: Int32, write: Int32)
    private let folders = Mutex<[Int32: String]>([:])
    private let stopped = Mutex(false)

    /// Opens an inotify instance and starts the reading thread, which calls `deliver` per event.
    public init(deliver: @escaping @Sendable (Event) -> Void) throws {
        #if os(Linux)
            let fd = inotify_init1(Int32(O_CLOEXEC | O_NONBLOCK))
            guard fd >= 0 else { throw FileReadError(operation: "inotify_init1", path: "", errno: errno) }
            var pipeEnds: [Int32] = [0, 0]
            guard pipe(&pipeEnds) == 0 else {
                close(fd)
                throw FileReadError(operation: "pipe", path: "", errno: errno)
            }
            self.fd = fd
            self.wakePipe = (pipeEnds[0], pipeEnds[1])
            let thread = Thread { [self] in self.readLoop(deliver) }
            thread.name = "batchd-inotify"
            thread.start()
        #else
            throw FileReadError(operation: "inotify_init1", path: "", errno: ENOSYS)
        #endif
    }

    /// Starts watching `folder`; `false` when the kernel refuses (missing folder, no permission).
    public func watch(_ folder: String) -> Bool {
        #if os(Linux)
            let mask =
                Self.modify | Self.attrib | Self.closeWrite | Self.movedFrom | Self.movedTo | Self.create
                | Self.delete | Self.onlyDir
            let wd = inotify_add_watch(fd, folder, mask)
            guard wd >= 0 else { return false }
            folders.withLock { $0[wd] = folder }
            return true
        #else
            return false
        #endif
    }

    /// Ends the reading thread; it closes the descriptors. Idempotent.
    public func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        if first {
            var byte: UInt8 = 1
            _ = write(wakePipe.write, &byte, 1)
        }
    }

    private func readLoop(_ deliver: @Sendable (Event) -> Void) {
        defer {
            close(fd)
            close(wakePipe.read)
            close(wakePipe.write)
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        defer { buffer.deallocate() }
        var descriptors = [
            pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0),
        ]
        while !stopped.withLock({ $0 }) {
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0, descriptors[1].revents == 0 else { return }
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count <= 0 { continue }
            for event in parse(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) { deliver(event) }
        }
    }

    private func parse(_ bytes: UnsafeRawBufferPointer) -> [Event] {
        var events: [Event] = []
        var offset = 0
        let known = folders.withLock { $0 }
        while offset + 16 <= bytes.count {
            let wd = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameBytes = bytes[(offset + 16)..<min(bytes.count, offset + 16 + length)]
            offset += 16 + length
            if mask & Self.overflowFlag != 0 {
                events.append(Event(folder: "", name: "", kind: .overflow))
                continue
            }
            guard let folder = known[wd] else { continue }
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            if name.isEmpty { continue }
            let kind: Kind =
                mask & Self.movedTo != 0
                ? .renamedIn : mask & (Self.delete | Self.movedFrom) != 0 ? .removed : .changed
            events.append(Event(folder: folder, name: name, kind: kind))
        }
        return events
    }
}
