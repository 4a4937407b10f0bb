import Foundation
import NIOCore
import NIOHTTP1

/// Turns a routed request's body into the model name and a validated ``PreparedCall``.
///
/// JSON bodies are parsed once with `JSONSerialization`; audio bodies as `multipart/form-data`.
/// The model is the Azure path deployment when present, else the body's `model`.
enum RequestParsing {
    static func prepare(_ request: SimRequest, route: Route) throws(RequestError) -> (
        String, any PreparedCall
    ) {
        var deployment: String?
        if case .azureDeployment(let name) = route.form { deployment = name }
        let bytes = request.body.map { Array($0.readableBytesView) } ?? []

        if route.operation.isMultipart {
            let contentType = request.headers.first(name: "content-type") ?? ""
            guard let boundary = MultipartForm.boundary(contentType: contentType),
                let form = MultipartForm(body: bytes, boundary: boundary)
            else { throw RequestError("The body must be multipart/form-data with a boundary.") }
            guard let model = deployment ?? form.first("model")?.text, !model.isEmpty else {
                throw RequestError("'model' is required.")
            }
            if route.operation == .imagesEdits { return (model, try ImagesCall(form: form)) }
            return (model, try AudioCall(form: form, translate: route.operation == .audioTranslations))
        }

        guard !bytes.isEmpty,
            let parsed = try? JSONSerialization.jsonObject(with: Data(bytes)),
            let json = parsed as? [String: Any]
        else { throw RequestError("The body must be a JSON object.") }
        guard let model = deployment ?? (json["model"] as? String), !model.isEmpty else {
            throw RequestError("'model' is required.")
        }
        return (model, try CallFactory.prepare(route.operation, json: json))
    }
}
