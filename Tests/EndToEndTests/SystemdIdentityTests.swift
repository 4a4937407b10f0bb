import Foundation
import Testing

@Suite("systemd unit: managed identity")
struct SystemdIdentityTests {
    @Test("the sandbox lets batchd reach IMDS and IDENTITY_ENDPOINT")
    func identityEndpointsReachable() throws {
        let unit = try SystemdUnitFile(contentsOfFile: SystemdTests.unitFolder + "/batchd.service")
        #expect(unit.value("Service", "PrivateNetwork") != "yes")
        #expect(
            Set(unit.words("Service", "RestrictAddressFamilies")).isSuperset(of: ["AF_INET", "AF_INET6"]))
        let denied = unit.words("Service", "IPAddressDeny")
        if !denied.isEmpty {
            let allowed = Set(unit.words("Service", "IPAddressAllow"))
            #expect(allowed.contains("169.254.169.254"), "IMDS")
            #expect(allowed.contains("localhost"), "IDENTITY_ENDPOINT")
        }
    }
}
