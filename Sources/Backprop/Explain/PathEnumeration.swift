/// Every choice of one neuron per layer for the layers between a parameter's layer and the
/// output: the paths along which the parameter reaches the loss. `widths` are those
/// layers' widths, lowest first; each element lists one neuron index per layer.
///
/// There are Π widths paths; `count` saturates at `Int.max`. Iteration is lazy, the last
/// layer's index varying slowest, so paths come in the order the 3-2-2 worked example writes them
/// (through z₁⁽²⁾ first, then z₂⁽²⁾).
struct PathEnumeration: Sequence {
    var widths: [Int]

    var count: Int {
        widths.reduce(1) { product, width in
            let (result, overflow) = product.multipliedReportingOverflow(by: width)
            return overflow ? Int.max : result
        }
    }

    func makeIterator() -> Iterator { Iterator(widths: widths) }

    struct Iterator: IteratorProtocol {
        let widths: [Int]
        var current: [Int]?

        init(widths: [Int]) {
            self.widths = widths
            current = widths.contains(0) ? nil : Array(repeating: 0, count: widths.count)
        }

        mutating func next() -> [Int]? {
            guard let path = current else { return nil }
            // Advance like an odometer whose first digit turns fastest.
            var following = path
            var position = 0
            while position < widths.count {
                following[position] += 1
                if following[position] < widths[position] { break }
                following[position] = 0
                position += 1
            }
            current = position == widths.count ? nil : following
            return path
        }
    }
}
