import BatchConfig
import BatchCore
import BatchTransport
import Foundation

/// The checks of `batchctl doctor`, in order: the endpoint resolves; its credential gives
/// headers (for Entra ID: a token, showing its source and expiry); one cheap request is accepted
/// (a one-token chat completion to `deployment` when one is named, else the models list), which
/// confirms the key or the role assignment. A check that cannot run because an earlier one failed
/// is skipped.
public struct EndpointDoctor: Sendable {
    public let settings: Settings
    public let transport: any HTTPTransport
    public let clock: any BatchClock

    public init(settings: Settings, transport: any HTTPTransport, clock: any BatchClock = SystemClock()) {
        self.settings = settings
        self.transport = transport
        self.clock = clock
    }

    public func run(endpoint name: String, deployment: String?) async -> [DoctorCheck] {
        let endpoint: Endpoint
        do {
            endpoint = try settings.endpoint(named: name)
        } catch {
            return [
                DoctorCheck(
                    name: "endpoint", verdict: .fail, detail: "\(error)",
                    advice: "fix the configuration named in the message (README: Configuration)"),
                DoctorCheck(name: "credential", verdict: .skipped, detail: "no endpoint"),
                DoctorCheck(name: "request", verdict: .skipped, detail: "no endpoint"),
            ]
        }
        let kind = endpoint.isAzure ? "Azure OpenAI" : "OpenAI-compatible"
        var checks = [
            DoctorCheck(
                name: "endpoint", verdict: .pass, detail: "\(endpoint.name): \(kind) at \(endpoint.baseURL)")
        ]
        let credential = await credentialCheck(endpoint)
        checks.append(credential)
        guard credential.verdict == .pass else {
            checks.append(DoctorCheck(name: "request", verdict: .skipped, detail: "no credential"))
            return checks
        }
        checks.append(await requestCheck(endpoint, deployment: deployment))
        return checks
    }

    private func credentialCheck(_ endpoint: Endpoint) async -> DoctorCheck {
        guard let entra = endpoint.credential as? EntraCredential else {
            let what =
                endpoint.credential is NoCredential
                ? "none (the server needs no key)"
                : "an API key (\(endpoint.isAzure ? "api-key header" : "bearer"))"
            return DoctorCheck(name: "credential", verdict: .pass, detail: what)
        }
        do {
            let token = try await entra.cache.token()
            var source = entra.cache.source.name
            if let chain = entra.cache.source as? ChainedTokenSource, let chosen = chain.chosenSource {
                source = "\(chosen.name) (found by the DefaultAzureCredential chain)"
            }
            let seconds = (token.expiresOn.milliseconds - clock.now.milliseconds) / 1000
            let expiry = Date(timeIntervalSince1970: Double(token.expiresOn.milliseconds) / 1000)
            return DoctorCheck(
                name: "credential", verdict: .pass,
                detail: "Microsoft Entra ID token from \(source), expires \(expiry) (in \(seconds) s)")
        } catch let failure as TokenFailure {
            return DoctorCheck(
                name: "credential", verdict: .fail, detail: failure.description, advice: Self.advice(failure))
        } catch {
            return DoctorCheck(name: "credential", verdict: .fail, detail: "\(error)")
        }
    }

    static func advice(_ failure: TokenFailure) -> String {
        switch failure.kind {
        case .unavailable:
            return
                "set the variables of one source (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET;"
                + " a managed identity on the VM; `az login`), or name one in the endpoint's auth"
        case .rejected:
            return "Entra refused the credential: check tenant, client id and the secret or certificate"
                + (failure.entraCode.map { " (look up \($0))" } ?? "")
        case .unreachable:
            return "the token endpoint did not answer: check the network path to it (a proxy, the systemd"
                + " unit's IPAddressAllow for IMDS, AZURE_AUTHORITY_HOST)"
        case .invalidAnswer:
            return "the source gave no usable token: check the file or command it reads"
        }
    }

    private func requestCheck(_ endpoint: Endpoint, deployment: String?) async -> DoctorCheck {
        let request: OutboundRequest
        let what: String
        do {
            var headers = try await endpoint.credential.authenticationHeaders()
            headers.add(name: "User-Agent", value: "batchd/0.1 doctor")
            if let deployment {
                headers.add(name: "Content-Type", value: "application/json")
                let body =
                    #"{"model":\#(JSONEscaping.quoted(deployment)),"messages":[{"role":"user","content":"ping"}],"max_tokens":1}"#
                request = OutboundRequest(
                    url: try endpoint.url(for: .chatCompletions, model: deployment), headers: headers,
                    body: Array(body.utf8))
                what = "a one-token chat completion to \(deployment)"
            } else {
                let url =
                    endpoint.isAzure && !endpoint.baseURL.hasSuffix("/openai/v1")
                    ? endpoint.baseURL + "/openai/v1/models" : endpoint.baseURL + "/models"
                request = OutboundRequest(method: "GET", url: url, headers: headers, body: [])
                what = "the models list"
            }
        } catch {
            return DoctorCheck(name: "request", verdict: .fail, detail: "\(error)")
        }
        let answer: HTTPAnswer
        do {
            answer = try await transport.send(request, timeout: .seconds(30))
        } catch {
            return DoctorCheck(
                name: "request", verdict: .fail, detail: "\(what): no answer: \(error)",
                advice: "check the endpoint's URL and that it is reachable from here")
        }
        let said = ResponseBody.errorMessage(answer.body).map { ": \($0)" } ?? ""
        switch answer.status {
        case 200..<300:
            return DoctorCheck(name: "request", verdict: .pass, detail: "\(what): HTTP \(answer.status)")
        case 401, 403:
            let advice =
                endpoint.credential.refreshes
                ? "give the identity the role \"Cognitive Services OpenAI User\" on the resource (it can take"
                    + " minutes to apply), and check the resource has a custom subdomain"
                : "check the key: it must be one of the resource's keys"
            return DoctorCheck(
                name: "request", verdict: .fail, detail: "\(what): HTTP \(answer.status)\(said)",
                advice: advice)
        case 404 where deployment == nil:
            return DoctorCheck(
                name: "request", verdict: .pass,
                detail: "authenticated; the server lists no models here (HTTP 404): name a deployment with"
                    + " --deployment to check it")
        case 404:
            return DoctorCheck(
                name: "request", verdict: .fail, detail: "\(what): HTTP 404\(said)",
                advice: "no deployment of that name: check its name in the Azure portal (Deployments)")
        case 429:
            return DoctorCheck(
                name: "request", verdict: .pass,
                detail: "\(what): HTTP 429 (authenticated, but rate limited now)")
        default:
            return DoctorCheck(
                name: "request", verdict: .fail, detail: "\(what): HTTP \(answer.status)\(said)")
        }
    }
}
