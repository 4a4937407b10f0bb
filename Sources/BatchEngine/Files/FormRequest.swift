import BatchCore
import Foundation

/// The JSON `body` of a file-carrying request (transcription, translation, image edit) read as
/// `multipart/form-data` fields.
///
/// Mapping: the operation's file members (``fileKeys(for:)``) hold paths and become file parts;
/// every other member becomes a text field in body order: strings as they are, numbers and
/// booleans as their JSON text, objects as their JSON text, `null` left out, and an array as one
/// `name[]` field per element (elements must be strings, numbers or booleans).
public struct FormRequest: Sendable, Equatable {
    /// Text fields, in body order.
    public var fields: [(name: String, value: String)]
    /// File members: form field name and the path as written.
    public var files: [(name: String, path: String)]
    /// `response_format`, when a string.
    public var responseFormat: String?
    /// `output_format`, when a string.
    public var outputFormat: String?

    /// The members of `path`'s body that name files, the first one required.
    public static func fileKeys(for path: APIPath) -> [String] {
        path == .imagesEdits ? ["image", "mask"] : ["file"]
    }

    /// Reads `body` (one JSON object) for an operation that sends files.
    public init(body: [UInt8], path: APIPath) throws(LineRejection) {
        let members: [JSONMember]
        do {
            guard let scanned = try JSONScanner.topLevelMembers(body) else {
                throw Self.invalid("not an object")
            }
            members = scanned
        } catch let rejection as LineRejection {
            throw rejection
        } catch {
            throw Self.invalid("not valid JSON")
        }
        let fileKeys = Self.fileKeys(for: path)
        fields = []
        files = []
        for member in members {
            let raw = Array(body[member.range])
            if fileKeys.contains(member.key) {
                guard member.kind == .string, let path = Self.decodeString(raw) else {
                    throw Self.invalid(
                        "body.\(member.key) must be a string: a path relative to the input file")
                }
                files.append((member.key, path))
                continue
            }
            switch member.kind {
            case .null: continue
            case .string:
                let value = Self.decodeString(raw) ?? ""
                if member.key == "response_format" { responseFormat = value }
                if member.key == "output_format" { outputFormat = value }
                fields.append((member.key, value))
            case .array:
                for element in try Self.arrayElements(raw, key: member.key) {
                    fields.append((member.key + "[]", element))
                }
            default:
                fields.append((member.key, String(decoding: raw, as: UTF8.self)))
            }
        }
        guard let required = fileKeys.first, files.contains(where: { $0.name == required }) else {
            throw LineRejection(
                code: LineRejection.invalidFile,
                reason: "body.\(fileKeys[0]) is missing: the path of the file to send")
        }
    }

    /// The answer this request expects.
    public func expectedAnswer(for path: APIPath) -> ExpectedAnswer {
        ExpectedAnswer(path: path, responseFormat: responseFormat, outputFormat: outputFormat)
    }

    public static func == (lhs: FormRequest, rhs: FormRequest) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0 == $1 } && lhs.files.elementsEqual(rhs.files) { $0 == $1 }
            && lhs.responseFormat == rhs.responseFormat && lhs.outputFormat == rhs.outputFormat
    }

    private static func decodeString(_ raw: [UInt8]) -> String? {
        raw.withUnsafeBytes { try? JSONScanner.decodeString($0) }
    }

    private static func arrayElements(_ raw: [UInt8], key: String) throws(LineRejection) -> [String] {
        guard let array = try? JSONDecoder().decode([FormScalar].self, from: Data(raw)) else {
            throw invalid("body.\(key): arrays may hold only strings, numbers and booleans")
        }
        return array.map(\.text)
    }

    private static func invalid(_ reason: String) -> LineRejection {
        LineRejection(code: LineRejection.invalidBody, reason: reason)
    }
}

/// One array element of a form body: a string, number or boolean, as form text.
private struct FormScalar: Decodable {
    let text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            text = value ? "true" : "false"
        } else if let value = try? container.decode(String.self) {
            text = value
        } else if let value = try? container.decode(Int64.self) {
            text = String(value)
        } else {
            text = String(try container.decode(Double.self))
        }
    }
}
