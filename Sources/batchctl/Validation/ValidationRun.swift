import BatchConfig
import BatchCore
import BatchEngine
import BatchTransport
import Foundation

/// What `batchctl validate` and `--dry-run` do: validate every file (no network, no database),
/// print the report, and return the exit status: 1 when a line is rejected.
enum ValidationRun {
    /// Validates `files` as a job on the endpoint named `endpoint` would be ingested (Azure
    /// deployment names checked when it resolves to an Azure endpoint; with no endpoint, or one
    /// that does not resolve here, as for OpenAI), and prints the report.
    /// `explicit`: the endpoint was named on purpose (`validate --endpoint`): one that does not
    /// resolve here is said on stderr.
    static func run(
        files: [String], endpoint: String?, explicit: Bool = false, settings: Settings, json: Bool
    )
        throws -> ExitStatus
    {
        var isAzure = false
        if let endpoint {
            do {
                isAzure = try settings.endpoint(named: endpoint).isAzure
            } catch {
                if explicit {
                    FileHandle.standardError.write(
                        Data("batchctl: \(error); the lines are checked as for an OpenAI endpoint\n".utf8))
                }
            }
        }
        let validator = FileValidator(
            parser: BatchLineParser(acceptedPaths: APIPath.supported, modelNamesAzureDeployment: isAzure),
            uploadPolicy: settings.uploadPolicy)
        var validations: [FileValidation] = []
        for file in files {
            do {
                validations.append(try validator.validate(path: file))
            } catch {
                throw CLIError(code: .configuration, message: "\(file): cannot read the input file: \(error)")
            }
        }
        let report = ValidationReport(validations, names: files, prices: settings.prices)
        if json {
            try JSONOutput.print(report)
        } else {
            print(ValidationText(report).text, terminator: "")
        }
        return report.hasRejects ? .someLinesFailed : .success
    }
}
