import Backprop
import Foundation

/// The CPU a benchmark ran on, as the JSON report states it: figures from one CPU say little
/// about another (Intel cores take microcode assists on subnormals, AMD's do not; kernel
/// levels and cache sizes differ).
struct MachineDescription: Codable {
    var vendor: String
    var modelName: String
    /// x86's CPUID family and model (e.g. 6 and 207 for a Sapphire/Emerald Rapids Xeon, 23
    /// and 49 for a Zen 2 EPYC); nil elsewhere.
    var family: Int?
    var model: Int?
    var logicalCores: Int
    /// The native kernels' instruction set: avx512, avx2 or portable.
    var kernelLevel: String

    enum CodingKeys: String, CodingKey {
        case vendor, family, model
        case modelName = "model_name"
        case logicalCores = "logical_cores"
        case kernelLevel = "kernel_level"
    }

    /// This machine, from /proc/cpuinfo on Linux or sysctl on macOS.
    static func current() -> MachineDescription {
        var fields: [String: String] = [:]
        #if os(Linux)
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            // The first processor's block; every core of these machines is the same.
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.isEmpty { break }
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { continue }
                fields[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        #elseif os(macOS)
        fields["model name"] = sysctlString("machdep.cpu.brand_string")
        fields["vendor_id"] = sysctlString("machdep.cpu.vendor") ?? "Apple"
        #endif
        return MachineDescription(
            vendor: fields["vendor_id"] ?? fields["CPU implementer"] ?? "unknown",
            modelName: fields["model name"] ?? fields["Model"] ?? "unknown",
            family: fields["cpu family"].flatMap { Int($0) },
            model: fields["model"].flatMap { Int($0) },
            logicalCores: ProcessInfo.processInfo.activeProcessorCount,
            kernelLevel: Backend.current.kernelLevel)
    }

    #if os(macOS)
    private static func sysctlString(_ name: String) -> String? {
        var size = 0
        guard sysctlbyname(name, nil, &size, nil, 0) == 0, size > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: size)
        guard sysctlbyname(name, &buffer, &size, nil, 0) == 0 else { return nil }
        return String(cString: buffer)
    }
    #endif
}
