// One instruction-set copy of the small-network step; included by small_network.c once per
// level with these macros defined:
//   SMALL_SUFFIX   name suffix (avx512_pair, avx512, avx2_pair, avx2, portable)
//   SMALL_TARGET   the function attribute selecting the instruction set (may be empty)
//   VT, VI, VD     LANES floats, LANES ints and LANES doubles as vector-extension types
//   LANES          examples per vector
//   SMALL_EACH_LANE  F(…, lane) for every lane, comma separated (shuffle index lists)
//   SMALL_WITH_GENERIC, SMALL_WITH_FIXED_4, SMALL_WITH_FIXED_8
//                  which kernels to instantiate (1 or 0)
// and undefines them all again at its end.
//
// Every vector holds one value (a unit's Z, A or δ, or a target) for LANES consecutive
// examples; weights are broadcast. A block of LANES examples goes forward through every layer,
// through the loss and back, adding its lanes' contributions to per-lane gradient
// accumulators; the lanes are summed once at the end in a fixed order. Lanes past the last
// example (the batch's tail) are cleared with `mask` wherever a value reaches an accumulator,
// so they add exact zeros even when weights are infinite.

#define SMALL_CAT2(a, b) a##_##b
#define SMALL_CAT(a, b) SMALL_CAT2(a, b)
#define SMALL(name) SMALL_CAT(name, SMALL_SUFFIX)
#define SMALL_ALWAYS_INLINE __attribute__((always_inline))

static inline SMALL_ALWAYS_INLINE SMALL_TARGET VT SMALL(small_select)(VI mask, VT yes, VT no) {
    return (VT)(((VI)yes & mask) | ((VI)no & ~mask));
}

static inline SMALL_ALWAYS_INLINE SMALL_TARGET VT SMALL(small_keep)(VI mask, VT value) {
    return (VT)((VI)value & mask);
}

// e^x as in vector_math.c (Cephes-style, relative error ≤ 2·10⁻⁷; NaN stays NaN).
static inline SMALL_ALWAYS_INLINE SMALL_TARGET VT SMALL(small_exp)(VT x) {
    const VT hi = (VT){0} + 88.8f, lo = (VT){0} + -110.0f;
    VT xc = SMALL(small_select)(x > hi, hi, x);
    xc = SMALL(small_select)(xc < lo, lo, xc);
    const VT magic = (VT){0} + 12582912.0f;
    VT t = xc * 1.44269504088896341f + magic;
    VT fn = t - magic;
    VI n = (VI)t - (VI)magic;
    VT r = xc - fn * 0.693359375f;
    r = r - fn * -2.12194440e-4f;
    VT z = r * r;
    VT y = r * 1.9875691500e-4f + 1.3981999507e-3f;
    y = y * r + 8.3334519073e-3f;
    y = y * r + 4.1665795894e-2f;
    y = y * r + 1.6666665459e-1f;
    y = y * r + 5.0000001201e-1f;
    y = y * z + r + 1.0f;
    VI n1 = n >> 1, n2 = n - n1;
    VT s1 = (VT)((n1 + 127) << 23), s2 = (VT)((n2 + 127) << 23);
    VT result = y * s1 * s2;
    return SMALL(small_select)(x != x, x, result);
}

// ln x for x ≥ 1 (Cephes logf: x = m·2ᵉ, m ∈ [√½, √2), ln m by a degree-9 polynomial in
// m − 1; relative error ~1 ulp). +∞ and NaN pass through. Only the softmax's log Σ e^(z − max)
// calls it, whose argument is at least 1 (or NaN, or +∞).
static inline SMALL_ALWAYS_INLINE SMALL_TARGET VT SMALL(small_log)(VT x) {
    VI bits = (VI)x;
    VI exponent = ((bits >> 23) & 0xff) - 126;                     // x = m·2^exponent, m ∈ [½, 1)
    VT m = (VT)((bits & 0x007fffff) | 0x3f000000);
    VI small = m < 0.707106781186547524f;
    exponent = exponent + small;                                      // small lanes: −1 (true is −1)
    m = SMALL(small_select)(small, m + m, m) - 1.0f;
    VT e = __builtin_convertvector(exponent, VT);
    VT z = m * m;
    VT y = m * 7.0376836292e-2f + -1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m + -1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m + -1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m + -2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y = y + e * -2.12194440e-4f;
    y = y - z * 0.5f;
    VT result = m + y + e * 0.693359375f;
    VI special = (x != x) | (x == __builtin_inff());
    return SMALL(small_select)(special, x, result);
}

// ln(1 + t) for t ∈ [0, 1], as SigmoidBinaryCrossEntropy.logOnePlus: 2·atanh(s) with
// s = t/(2 + t), given s.
static inline SMALL_ALWAYS_INLINE SMALL_TARGET VT SMALL(small_log_one_plus)(VT s) {
    VT s2 = s * s;
    VT sum = (VT){0} + (1.0f / 15);
    sum = sum * s2 + (1.0f / 13);
    sum = sum * s2 + (1.0f / 11);
    sum = sum * s2 + (1.0f / 9);
    sum = sum * s2 + (1.0f / 7);
    sum = sum * s2 + (1.0f / 5);
    sum = sum * s2 + (1.0f / 3);
    sum = sum * s2 + 1.0f;
    return 2.0f * s * sum;
}

// A = g(Z) for `width` unit vectors.
static inline SMALL_ALWAYS_INLINE SMALL_TARGET void SMALL(small_activate)(int function, const VT *z, VT *a, long width, VI mask) {
    const VI signMask = (VI){0} + (int)0x80000000;
    switch (function) {
    case BP_SMALL_SIGMOID:
        for (long u = 0; u < width; u++) {
            // σ(x) = 1/(1 + e^−x) for x ≥ 0, e^x/(1 + e^x) for x < 0.
            VT x = z[u];
            VT e = SMALL(small_exp)((VT)((VI)x | signMask));
            VT numerator = SMALL(small_select)(x < 0.0f, e, (VT){0} + 1.0f);
            a[u] = SMALL(small_keep)(mask, numerator / (1.0f + e));
        }
        break;
    case BP_SMALL_TANH:
        for (long u = 0; u < width; u++) {
            VT x = z[u];
            VT ax = (VT)((VI)x & ~signMask);
            VT x2 = x * x;
            VT p = x2 * -5.70498872745e-3f + 2.06390887954e-2f;
            p = p * x2 + -5.37397155531e-2f;
            p = p * x2 + 1.33314422036e-1f;
            p = p * x2 + -3.33332819422e-1f;
            VT small = (p * x2) * ax + ax;
            VT e = SMALL(small_exp)(ax + ax);
            VT large = 1.0f - 2.0f / (e + 1.0f);
            VT magnitude = SMALL(small_select)(ax < 0.625f, small, large);
            a[u] = SMALL(small_keep)(mask, (VT)((VI)magnitude | ((VI)x & signMask)));
        }
        break;
    case BP_SMALL_RELU:
        for (long u = 0; u < width; u++) {
            // max(0, z); NaN stays NaN, as ReLU.forward.
            VT x = z[u];
            VT positive = SMALL(small_keep)(x > 0.0f, x);
            a[u] = SMALL(small_keep)(mask, SMALL(small_select)(x != x, x, positive));
        }
        break;
    default:
        for (long u = 0; u < width; u++) a[u] = SMALL(small_keep)(mask, z[u]);
        break;
    }
}

// δ = ∂J/∂A ⊙ g′, g′ from the output A (sigmoid, tanh) or the input Z (ReLU), in place.
static inline SMALL_ALWAYS_INLINE SMALL_TARGET void SMALL(small_activation_backward)(int function, const VT *z, const VT *a,
                                                                 VT *delta, long width, VI mask) {
    switch (function) {
    case BP_SMALL_SIGMOID:
        for (long u = 0; u < width; u++) delta[u] = SMALL(small_keep)(mask, delta[u] * a[u] * (1.0f - a[u]));
        break;
    case BP_SMALL_TANH:
        for (long u = 0; u < width; u++) delta[u] = SMALL(small_keep)(mask, delta[u] * (1.0f - a[u] * a[u]));
        break;
    case BP_SMALL_RELU:
        for (long u = 0; u < width; u++) delta[u] = SMALL(small_keep)(mask & (z[u] > 0.0f), delta[u]);
        break;
    default:
        for (long u = 0; u < width; u++) delta[u] = SMALL(small_keep)(mask, delta[u]);
        break;
    }
}

// A full block's rows ↔ lanes for widths up to 4, in registers (wider rows, and the batch's
// last, partial block, move one element at a time): element k of the block's
// row-major run (row j = k / W, unit u = k % W) is lane j of unit vector u. Each output vector
// is gathered by a chain of two-source shuffles with constant indices (SMALL_EACH_LANE comes
// from small_network.c): the first takes sources 0 and 1, each further link one more source.
// Vectors are read and written whole, so no load ever straddles a recent store.
#define SMALL_K(m, e) ((m) * LANES + (e))
#define SMALL_STORE_FIRST(W, m, e) \
    (SMALL_K(m, e) % (W) < 2 ? SMALL_K(m, e) % (W) * LANES + SMALL_K(m, e) / (W) : -1)
#define SMALL_STORE_NEXT(W, m, source, e) \
    (SMALL_K(m, e) % (W) == (source) ? LANES + SMALL_K(m, e) / (W) : (e))
#define SMALL_LOAD_FIRST(W, u, j) \
    ((j) * (W) + (u) < 2 * LANES ? (j) * (W) + (u) : -1)
#define SMALL_LOAD_NEXT(W, u, source, j) \
    (((j) * (W) + (u)) / LANES == (source) ? LANES + ((j) * (W) + (u)) % LANES : (j))

#define SMALL_CHAIN(FIRST, NEXT, W, i, v)                                                    \
    ({                                                                                       \
        VT _r = __builtin_shufflevector(v[0], v[(W) > 1 ? 1 : 0], SMALL_EACH_LANE(FIRST, W, (i) % (W))); \
        if ((W) > 2) _r = __builtin_shufflevector(_r, v[(W) > 2 ? 2 : 0], SMALL_EACH_LANE(NEXT, W, (i) % (W), 2)); \
        if ((W) > 3) _r = __builtin_shufflevector(_r, v[(W) > 3 ? 3 : 0], SMALL_EACH_LANE(NEXT, W, (i) % (W), 3)); \
        _r;                                                                                  \
    })

// Widths with a shuffle transpose (SMALL_CHAIN links up to 4 sources).
#define SMALL_TRANSPOSE_CASES(CASE) CASE(2) CASE(3) CASE(4)

static inline SMALL_ALWAYS_INLINE SMALL_TARGET void SMALL(small_store_block)(float *row, const VT *v, long width) {
#define SMALL_STORE_VECTOR(W, m)                                                             \
    if ((W) > (m)) {                                                                         \
        VT out = SMALL_CHAIN(SMALL_STORE_FIRST, SMALL_STORE_NEXT, W, m, v);                   \
        memcpy(row + (m) * LANES, &out, sizeof out);                                         \
    }
#define SMALL_STORE_CASE(W)                                                                  \
    case W:                                                                                  \
        SMALL_STORE_VECTOR(W, 0) SMALL_STORE_VECTOR(W, 1) SMALL_STORE_VECTOR(W, 2)           \
        SMALL_STORE_VECTOR(W, 3)                                                             \
        return;
    switch (width) {
    case 1:
        memcpy(row, v, sizeof(VT));
        return;
    SMALL_TRANSPOSE_CASES(SMALL_STORE_CASE)
    default: {
        const float *lanes = (const float *)v;
        for (long j = 0; j < LANES; j++, row += width)
            for (long u = 0; u < width; u++) row[u] = lanes[u * LANES + j];
    }
    }
#undef SMALL_STORE_CASE
#undef SMALL_STORE_VECTOR
}

static inline SMALL_ALWAYS_INLINE SMALL_TARGET void SMALL(small_load_block)(VT *v, const float *row, long width) {
#define SMALL_LOAD_VECTOR(W, u)                                                              \
    if ((W) > (u)) v[u] = SMALL_CHAIN(SMALL_LOAD_FIRST, SMALL_LOAD_NEXT, W, u, in);
#define SMALL_LOAD_CASE(W)                                                                   \
    case W: {                                                                                \
        VT in[W];                                                                            \
        memcpy(in, row, sizeof in);                                                          \
        SMALL_LOAD_VECTOR(W, 0) SMALL_LOAD_VECTOR(W, 1) SMALL_LOAD_VECTOR(W, 2)              \
        SMALL_LOAD_VECTOR(W, 3)                                                              \
        return;                                                                              \
    }
    switch (width) {
    case 1:
        memcpy(v, row, sizeof(VT));
        return;
    SMALL_TRANSPOSE_CASES(SMALL_LOAD_CASE)
    default: {
        float *lanes = (float *)v;
        for (long j = 0; j < LANES; j++, row += width)
            for (long u = 0; u < width; u++) lanes[u * LANES + j] = row[u];
    }
    }
#undef SMALL_LOAD_CASE
#undef SMALL_LOAD_VECTOR
}

// rows `start ..< start + valid` of a row-major matrix with `width` columns ← lanes of `v`.
static inline SMALL_ALWAYS_INLINE SMALL_TARGET void SMALL(small_store_rows)(float *destination, const VT *v, long width,
                                                        long start, long valid) {
    const float *lanes = (const float *)v;
    float *row = destination + start * width;
    if (valid == LANES) {
        SMALL(small_store_block)(row, v, width);
        return;
    }
    if (width <= 4) {
        // The last, partial block: transposed like a full one into a local block, then its
        // valid rows (consecutive in the destination) copied at once.
        float block[LANES * 4];
        SMALL(small_store_block)(block, v, width);
        memcpy(row, block, (size_t)(valid * width) * sizeof(float));
        return;
    }
    for (long j = 0; j < valid; j++, row += width)
        for (long u = 0; u < width; u++) row[u] = lanes[u * LANES + j];
}

// lanes of `v` ← rows `start ..< start + valid` (zero past `valid`).
static inline SMALL_ALWAYS_INLINE SMALL_TARGET void SMALL(small_load_rows)(VT *v, const float *source, long width,
                                                       long start, long valid) {
    float *lanes = (float *)v;
    const float *row = source + start * width;
    if (valid == LANES) {
        SMALL(small_load_block)(v, row, width);
        return;
    }
    if (width <= 4) {
        // The last, partial block: its valid rows into a zeroed local block, transposed like
        // a full one (lanes past `valid` read 0).
        float block[LANES * 4];
        memset(block, 0, sizeof block);
        memcpy(block, row, (size_t)(valid * width) * sizeof(float));
        SMALL(small_load_block)(v, block, width);
        return;
    }
    for (long u = 0; u < width; u++) v[u] = (VT){0};
    for (long j = 0; j < valid; j++, row += width)
        for (long u = 0; u < width; u++) lanes[u * LANES + j] = row[u];
}

// Σ of the lanes, always in the same order (halving tree).
static inline SMALL_ALWAYS_INLINE SMALL_TARGET float SMALL(small_sum_lanes)(VT v) {
    float t[LANES];
    memcpy(t, &v, sizeof t);
    for (int half = LANES / 2; half >= 1; half /= 2)
        for (int j = 0; j < half; j++) t[j] += t[j + half];
    return t[0];
}

static inline SMALL_ALWAYS_INLINE SMALL_TARGET double SMALL(small_sum_lanes_double)(const VD *v) {
    double t[LANES];
    memcpy(t, v, sizeof t);
    for (int half = LANES / 2; half >= 1; half /= 2)
        for (int j = 0; j < half; j++) t[j] += t[j + half];
    return t[0];
}

// The loss for one block: adds the lanes' losses to *total and writes δ⁽ᴸ⁾ (masked).
static inline SMALL_ALWAYS_INLINE SMALL_TARGET void SMALL(small_loss)(int loss, const VT *z, const VT *y, VT *delta, long k,
                                                  long rows, VI mask, VD *total) {
    switch (loss) {
    case BP_SMALL_MEAN_SQUARED_ERROR: {
        // L = ‖z − y‖², δ = 2(z − y)/n.
        const float scale = 2.0f / (float)rows;
        for (long j = 0; j < k; j++) {
            VT error = z[j] - y[j];
            *total += __builtin_convertvector(SMALL(small_keep)(mask, error * error), VD);
            delta[j] = SMALL(small_keep)(mask, scale * error);
        }
        break;
    }
    case BP_SMALL_BINARY_CROSS_ENTROPY: {
        // t = e^−|z|, L = max(z, 0) − z·y + ln(1 + t), σ(z) = (z ≥ 0 ? 1 : t)/(1 + t),
        // δ = (σ(z) − y)/(n·k). One division serves both quotients: with
        // q = 1/((1 + t)(2 + t)), t/(2 + t) = t(1 + t)·q and 1/(1 + t) = (2 + t)·q.
        const float inverseCount = 1.0f / (float)(rows * k);
        const VI signMask = (VI){0} + (int)0x80000000;
        for (long j = 0; j < k; j++) {
            VT logit = z[j];
            VT t = SMALL(small_exp)((VT)((VI)logit | signMask));
            VT onePlus = 1.0f + t, twoPlus = 2.0f + t;
            VT q = 1.0f / (onePlus * twoPlus);
            VT positivePart = SMALL(small_keep)(logit > 0.0f, logit);
            VT lossValue = positivePart - logit * y[j] + SMALL(small_log_one_plus)(t * onePlus * q);
            *total += __builtin_convertvector(SMALL(small_keep)(mask, lossValue), VD);
            VT probability = SMALL(small_select)(logit >= 0.0f, (VT){0} + 1.0f, t) * (twoPlus * q);
            delta[j] = SMALL(small_keep)(mask, (probability - y[j]) * inverseCount);
        }
        break;
    }
    default: {
        // ŷ = softmax(z) with log-sum-exp, L = −Σ yⱼ log ŷⱼ, δ = (ŷ − y)/n.
        const float inverseCount = 1.0f / (float)rows;
        VT maximum = z[0];
        for (long j = 1; j < k; j++) maximum = SMALL(small_select)(z[j] > maximum, z[j], maximum);
        VT sum = (VT){0};
        for (long j = 0; j < k; j++) {
            delta[j] = SMALL(small_exp)(z[j] - maximum);
            sum += delta[j];
        }
        VT logSumExp = maximum + SMALL(small_log)(sum);
        VT inverseSum = 1.0f / sum;
        VT rowLoss = (VT){0};
        if (loss == BP_SMALL_SOFTMAX_CLASS_INDEX) {
            VT labelLogit = (VT){0};
            for (long j = 0; j < k; j++) {
                VI isLabel = y[0] == (float)j;
                labelLogit = SMALL(small_select)(isLabel, z[j], labelLogit);
                VT target = SMALL(small_keep)(isLabel, (VT){0} + 1.0f);
                delta[j] = SMALL(small_keep)(mask, (delta[j] * inverseSum - target) * inverseCount);
            }
            rowLoss = logSumExp - labelLogit;
        } else {
            for (long j = 0; j < k; j++) {
                rowLoss += SMALL(small_keep)(y[j] != 0.0f, y[j] * (logSumExp - z[j]));
                delta[j] = SMALL(small_keep)(mask, (delta[j] * inverseSum - y[j]) * inverseCount);
            }
        }
        *total += __builtin_convertvector(SMALL(small_keep)(mask, rowLoss), VD);
        break;
    }
    }
}

#if SMALL_WITH_GENERIC
static SMALL_TARGET double SMALL(small_run)(const bp_small_network *network, const float *input,
                                            const float *targets, long rows, float *outputGradient,
                                            int computeGradients, VT *scratch) {
    const long layers = network->layer_count;
    const long *widths = network->widths;
    const long k = widths[layers];
    const int loss = network->loss;
    const long targetColumns = loss == BP_SMALL_SOFTMAX_CLASS_INDEX ? 1 : k;

    // Scratch: per layer the weight and bias accumulators, then Z and A of the current block.
    VT *weightSums[BP_SMALL_MAX_LAYERS], *biasSums[BP_SMALL_MAX_LAYERS];
    VT *z[BP_SMALL_MAX_LAYERS], *a[BP_SMALL_MAX_LAYERS];
    VT *next = scratch;
    for (long l = 0; l < layers; l++) {
        weightSums[l] = next; next += widths[l + 1] * widths[l];
        biasSums[l] = next; next += widths[l + 1];
        z[l] = next; next += widths[l + 1];
        a[l] = next; next += widths[l + 1];
    }
    VT *x = next; next += widths[0];
    VT *y = next; next += BP_SMALL_MAX_WIDTH;
    VT *delta = next; next += BP_SMALL_MAX_WIDTH;
    VT *below = next;
    if (computeGradients)
        for (VT *v = scratch; v < x; v++) *v = (VT){0};

    VI lane;
    for (int j = 0; j < LANES; j++) lane[j] = j;
    VD total = (VD){0};

    for (long start = 0; start < rows; start += LANES) {
        const long valid = rows - start < LANES ? rows - start : LANES;
        const VI mask = lane < (VI){0} + (int)valid;

        // Forward: Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾·Wᵀ + b, A⁽ˡ⁾ = g(Z⁽ˡ⁾).
        SMALL(small_load_rows)(x, input, widths[0], start, valid);
        const VT *in = x;
        for (long l = 0; l < layers; l++) {
            const long inputs = widths[l], outputs = widths[l + 1];
            const float *weight = network->weights[l], *bias = network->biases[l];
            for (long u = 0; u < outputs; u++) {
                const float *row = weight + u * inputs;
                VT sum = (VT){0};
                for (long i = 0; i < inputs; i++) sum += in[i] * row[i];
                z[l][u] = bias ? sum + bias[u] : sum;
            }
            if (network->preactivations[l])
                SMALL(small_store_rows)(network->preactivations[l], z[l], outputs, start, valid);
            if (l + 1 < layers) {
                SMALL(small_activate)(network->activations[l], z[l], a[l], outputs, mask);
                if (network->activation_outputs[l])
                    SMALL(small_store_rows)(network->activation_outputs[l], a[l], outputs, start, valid);
                in = a[l];
            }
        }

        // BP1: the loss and δ⁽ᴸ⁾.
        SMALL(small_load_rows)(y, targets, targetColumns, start, valid);
        SMALL(small_loss)(loss, z[layers - 1], y, delta, k, rows, mask, &total);
        SMALL(small_store_rows)(outputGradient, delta, k, start, valid);
        if (!computeGradients) continue;

        // Backward: BP3/BP4 into the accumulators, BP2 to the layer below.
        for (long l = layers - 1; l >= 0; l--) {
            const long inputs = widths[l], outputs = widths[l + 1];
            const VT *activation = l == 0 ? x : a[l - 1];
            VT *weightSum = weightSums[l];
            for (long j = 0; j < outputs; j++) {
                const VT d = delta[j];
                VT *row = weightSum + j * inputs;
                for (long i = 0; i < inputs; i++) row[i] += d * activation[i];
                biasSums[l][j] += d;
            }
            if (l == 0) break;
            const float *weight = network->weights[l];
            for (long i = 0; i < inputs; i++) {
                VT sum = (VT){0};
                for (long j = 0; j < outputs; j++) sum += delta[j] * weight[j * inputs + i];
                below[i] = sum;
            }
            SMALL(small_activation_backward)(network->activations[l - 1], z[l - 1], a[l - 1], below, inputs, mask);
            VT *swap = delta; delta = below; below = swap;
        }
    }

    if (computeGradients) {
        for (long l = 0; l < layers; l++) {
            const long count = widths[l + 1] * widths[l];
            for (long e = 0; e < count; e++) network->weight_gradients[l][e] = SMALL(small_sum_lanes)(weightSums[l][e]);
            if (network->bias_gradients[l])
                for (long j = 0; j < widths[l + 1]; j++)
                    network->bias_gradients[l][j] = SMALL(small_sum_lanes)(biasSums[l][j]);
        }
    }
    if (rows == 0) return 0;
    const double sum = SMALL(small_sum_lanes_double)(&total);
    return loss == BP_SMALL_BINARY_CROSS_ENTROPY ? sum / (double)(rows * k) : sum / (double)rows;
}

#endif

#if SMALL_WITH_FIXED_4
#define FIXED_WIDTH 4
#define FIXED_LAYERS 2
#include "small_network_fixed.h"
// Exact-width copies for the seeds' networks (001: 2-3-1, 002: 3-2-2); see
// small_network_fixed.h.
#define FIXED_SHAPE 2, 3, 1
#define FIXED_SHAPE_NAME 2_3_1
#include "small_network_fixed.h"
#undef FIXED_SHAPE
#undef FIXED_SHAPE_NAME
#define FIXED_SHAPE 3, 2, 2
#define FIXED_SHAPE_NAME 3_2_2
#include "small_network_fixed.h"
#undef FIXED_SHAPE
#undef FIXED_SHAPE_NAME
#undef FIXED_LAYERS
#define FIXED_LAYERS 0
#include "small_network_fixed.h"
#undef FIXED_LAYERS
#undef FIXED_WIDTH
#endif
#if SMALL_WITH_FIXED_8
#define FIXED_WIDTH 8
#define FIXED_LAYERS 0
#include "small_network_fixed.h"
#undef FIXED_LAYERS
#undef FIXED_WIDTH
#endif

#undef SMALL_TRANSPOSE_CASES
#undef SMALL_CHAIN
#undef SMALL_LOAD_NEXT
#undef SMALL_LOAD_FIRST
#undef SMALL_STORE_NEXT
#undef SMALL_STORE_FIRST
#undef SMALL_K
#undef SMALL_ALWAYS_INLINE
#undef SMALL
#undef SMALL_CAT
#undef SMALL_CAT2

#undef SMALL_SUFFIX
#undef SMALL_TARGET
#undef VT
#undef VI
#undef VD
#undef LANES
#undef SMALL_EACH_LANE
#undef SMALL_WITH_GENERIC
#undef SMALL_WITH_FIXED_4
#undef SMALL_WITH_FIXED_8
