import NIOCore
import NIOHTTP1

/// The per-connection NIO handler: collects each request, asks ``SimulatorCore`` what to do, and
/// answers, drops or hangs accordingly. Delays use `scheduleTask` on the connection's event loop,
/// never a blocked thread. Keeps connections alive unless the client asks to close, and answers
/// `Expect: 100-continue` at once so clients such as curl do not stall before sending large bodies.
final class HTTPServerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Bodies larger than this are refused with 413.
    static let maximumBodySize = 64 * 1024 * 1024

    private let core: SimulatorCore
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false
    private var active = true

    init(core: SimulatorCore) {
        self.core = core
    }

    func handlerAdded(context: ChannelHandlerContext) {
        core.connectionOpened()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
            tooLarge = false
            if head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                let interim = HTTPResponseHead(version: head.version, status: .continue)
                context.writeAndFlush(wrapOutboundOut(.head(interim)), promise: nil)
            }
        case .body(var chunk):
            guard !tooLarge else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > Self.maximumBodySize {
                tooLarge = true
                body = nil
            } else if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            if tooLarge {
                let response = ErrorResponses.error(
                    .payloadTooLarge, code: "payload_too_large", message: "The body is too large.")
                write(response, for: head, context: context)
                return
            }
            let request = SimRequest(method: head.method, uri: head.uri, headers: head.headers, body: body)
            body = nil
            handle(core.process(request), for: head, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func handle(_ outcome: Outcome, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        switch outcome {
        case .respond(let response, let delay):
            later(delay, context: context) { self.write(response, for: head, context: context) }
        case .drop(let delay):
            later(delay, context: context) { context.close(promise: nil) }
        case .hang(let duration):
            later(duration, context: context) { context.close(promise: nil) }
        case .held(let held):
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            let parked = core.park {
                bound.eventLoop.execute {
                    let (handler, context) = bound.value
                    handler.handle(held, for: head, context: context)
                }
            }
            if !parked { handle(held, for: head, context: context) }
        }
    }

    /// Runs `action` after `delay` on the connection's event loop, unless the connection closed.
    private func later(_ delay: TimeAmount, context: ChannelHandlerContext, _ action: @escaping () -> Void) {
        guard delay > .zero else { return action() }
        context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            if self.active { action() }
        }
    }

    private func write(_ response: SimResponse, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard active else { return }
        let keepAlive = head.isKeepAlive
        var headers = response.headers
        let buffer = context.channel.allocator.buffer(bytes: response.body)
        headers.replaceOrAdd(name: "content-length", value: String(buffer.readableBytes))
        if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
