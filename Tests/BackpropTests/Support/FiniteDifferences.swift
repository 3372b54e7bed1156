@testable import Backprop

/// The largest relative error |n − a| / max(|n| + |a|, 1e-8) between backpropagation's
/// gradient a and the central difference n = (J(θ + h) − J(θ − h)) / 2h, per parameter
/// tensor, for the batch already loaded in `workspace`. `entries` picks which entries of a
/// tensor of the given size to check (all of them by default).
///
/// h = 1e-5 in Double: truncation error O(h²) ≈ 1e-10, rounding ≈ 1e-16/h ≈ 1e-11, so a
/// relative error above 1e-6 means a wrong derivative, not noise.
func finiteDifferenceErrors(
    _ network: Network<Double>, workspace: Workspace<Double>, step h: Double = 1e-5,
    entries: (Int) -> [Int] = { Array(0..<$0) }
) -> [(name: String, worst: Double)] {
    network.computeGradients(in: workspace)
    let analytic = network.parameters.map(\.parameter.gradient)
    return network.parameters.enumerated().map { index, named in
        let parameter = named.parameter
        var worst = 0.0
        for i in entries(parameter.count) {
            let numeric = GradientCheck.centralDifference(of: parameter, at: i, step: h, network: network, workspace: workspace)
            let exact = analytic[index].storage[i]
            worst = max(worst, abs(numeric - exact) / max(abs(numeric) + abs(exact), 1e-8))
        }
        return (named.name, worst)
    }
}
