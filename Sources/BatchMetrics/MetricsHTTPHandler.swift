import NIOCore
import NIOHTTP1

/// One connection of the metrics server: `GET /metrics` (or `HEAD`) answers the Prometheus text
/// exposition that `exposition` produces (computed off the event loop, in a task); `/` points to
/// it; anything else is 404, a method other than GET or HEAD 405. Keeps connections alive.
final class MetricsHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The content type of Prometheus' text format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let exposition: @Sendable () async -> [UInt8]
    private var head: HTTPRequestHead?

    init(exposition: @escaping @Sendable () async -> [UInt8]) {
        self.exposition = exposition
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            answer(head, context: context)
        }
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard head.method == .GET || head.method == .HEAD else {
            return write(.methodNotAllowed, "only GET and HEAD\n", head: head, context: context)
        }
        switch path {
        case "/metrics":
            let exposition = exposition
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.makeFutureWithTask { await exposition() }.whenSuccess { body in
                let (handler, context) = loopBound.value
                handler.write(.ok, body, contentType: Self.contentType, head: head, context: context)
            }
        case "/":
            write(.ok, "batchd metrics: /metrics\n", head: head, context: context)
        default:
            write(.notFound, "not found; the metrics are at /metrics\n", head: head, context: context)
        }
    }

    private func write(
        _ status: HTTPResponseStatus, _ text: String, head: HTTPRequestHead, context: ChannelHandlerContext
    ) {
        write(
            status, Array(text.utf8), contentType: "text/plain; charset=utf-8", head: head, context: context)
    }

    private func write(
        _ status: HTTPResponseStatus, _ body: [UInt8], contentType: String, head: HTTPRequestHead,
        context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: "\(body.count)")
        headers.add(name: "connection", value: head.isKeepAlive ? "keep-alive" : "close")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil)
        if head.method != .HEAD {
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
                promise: nil)
        }
        let keepAlive = head.isKeepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
