// The small-network step for networks whose widths are all at most FIXED_WIDTH (4 or 8),
// included by small_network_kernel.h once per width with FIXED_WIDTH defined, and FIXED_LAYERS
// (the dense layer count, 0: any).
//
// The weights are copied into zero-padded FIXED_WIDTH x FIXED_WIDTH tables and every value of
// a block is a FIXED_WIDTH array of unit vectors, so each loop over units runs at most
// FIXED_WIDTH iterations and unrolls; the loops stop at the real widths, so no padded entry
// (of a table, an array or an accumulator) is summed, read or written back.
//
// With FIXED_SHAPE (the widths, e.g. 2, 3, 1) and FIXED_SHAPE_NAME (2_3_1) defined as well,
// the widths are compile-time constants instead of the network's: every loop then has its
// exact trip count and no width test is left in the block loop. The arithmetic is the same
// in the same order, so the results are bit for bit those of the run-time-width copy.

#ifdef FIXED_SHAPE
#define FIXED_RUN SMALL_CAT(SMALL(small_run_shape), FIXED_SHAPE_NAME)
#else
#define FIXED_RUN SMALL_CAT(SMALL_CAT(SMALL(small_run), FIXED_WIDTH), FIXED_LAYERS)
#endif

static SMALL_TARGET double FIXED_RUN(const bp_small_network *network, const float *input,
                                     const float *targets, long rows, float *outputGradient,
                                     int computeGradients, VT *scratch) {
    enum { W = FIXED_WIDTH };
    const long layers = FIXED_LAYERS ? FIXED_LAYERS : network->layer_count;
#ifdef FIXED_SHAPE
    static const long widths[] = {FIXED_SHAPE};
#else
    const long *widths = network->widths;
#endif
    const long k = widths[layers];
    const int loss = network->loss;
    const long targetColumns = loss == BP_SMALL_SOFTMAX_CLASS_INDEX ? 1 : k;

    // Scratch: gradient accumulators (W·W + W vectors per layer), then the padded weight and
    // bias tables (W·W + W floats per layer).
    VT *sums = scratch;
    float *padded = (float *)(scratch + layers * (W * W + W));
    for (long l = 0; l < layers; l++) {
        float *weight = padded + l * (W * W + W), *bias = weight + W * W;
        const long inputs = widths[l], outputs = widths[l + 1];
        for (long j = 0; j < W; j++) {
            for (long i = 0; i < W; i++)
                weight[j * W + i] = j < outputs && i < inputs ? network->weights[l][j * inputs + i] : 0.0f;
            bias[j] = j < outputs && network->biases[l] ? network->biases[l][j] : 0.0f;
        }
    }
    // Only the accumulators of real units are used (the loops below stop at the real widths).
    if (computeGradients)
        for (long l = 0; l < layers; l++) {
            VT *weightSum = sums + l * (W * W + W), *biasSum = weightSum + W * W;
            for (long j = 0; j < widths[l + 1]; j++) {
                for (long i = 0; i < widths[l]; i++) weightSum[j * W + i] = (VT){0};
                biasSum[j] = (VT){0};
            }
        }

    VT x[W], y[W], delta[W], below[W];  // y: targets (k ≤ W columns, or 1)
    VT z[BP_SMALL_MAX_LAYERS][W], a[BP_SMALL_MAX_LAYERS][W];
    for (int u = 0; u < W; u++) x[u] = y[u] = delta[u] = (VT){0};
    for (long l = 0; l < layers; l++)
        for (int u = 0; u < W; u++) z[l][u] = a[l][u] = (VT){0};

    VI lane;
    for (int j = 0; j < LANES; j++) lane[j] = j;
    VD total = (VD){0};

    for (long start = 0; start < rows; start += LANES) {
        const long valid = rows - start < LANES ? rows - start : LANES;
        const VI mask = lane < (VI){0} + (int)valid;

        // Forward: Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾·Wᵀ + b, A⁽ˡ⁾ = g(Z⁽ˡ⁾).
        SMALL(small_load_rows)(x, input, widths[0], start, valid);
        const VT *in = x;
#if FIXED_LAYERS > 0
#pragma clang loop unroll(full)
#endif
        for (long l = 0; l < layers; l++) {
            const float *weight = padded + l * (W * W + W), *bias = weight + W * W;
            const long inputs = widths[l], outputs = widths[l + 1];
            VT *zl = z[l];
            for (int u = 0; u < W; u++) {
                if (u >= outputs) break;
                VT sum = (VT){0};
                for (int i = 0; i < W; i++) {
                    if (i >= inputs) break;
                    sum += in[i] * weight[u * W + i];
                }
                zl[u] = sum + bias[u];
            }
            if (network->preactivations[l])
                SMALL(small_store_rows)(network->preactivations[l], zl, outputs, start, valid);
            if (l + 1 < layers) {
                VT *al = a[l];
                SMALL(small_activate)(network->activations[l], zl, al, outputs, mask);
                if (network->activation_outputs[l])
                    SMALL(small_store_rows)(network->activation_outputs[l], al, outputs, start, valid);
                in = al;
            }
        }

        // BP1: the loss and δ⁽ᴸ⁾.
        SMALL(small_load_rows)(y, targets, targetColumns, start, valid);
        SMALL(small_loss)(loss, z[layers - 1], y, delta, k, rows, mask, &total);
        SMALL(small_store_rows)(outputGradient, delta, k, start, valid);
        if (!computeGradients) continue;

        // Backward: BP3/BP4 into the accumulators, BP2 to the layer below.
        VT *d = delta, *next = below;
#if FIXED_LAYERS > 0
#pragma clang loop unroll(full)
#endif
        for (long l = layers - 1; l >= 0; l--) {
            const VT *activation = l == 0 ? x : a[l - 1];
            VT *weightSum = sums + l * (W * W + W), *biasSum = weightSum + W * W;
            const long inputs = widths[l], outputs = widths[l + 1];
            for (int j = 0; j < W; j++) {
                if (j >= outputs) break;
                const VT dj = d[j];
                for (int i = 0; i < W; i++) {
                    if (i >= inputs) break;
                    weightSum[j * W + i] += dj * activation[i];
                }
                biasSum[j] += dj;
            }
            if (l == 0) break;
            const float *weight = padded + l * (W * W + W);
            for (int i = 0; i < W; i++) {
                VT sum = (VT){0};
                if (i < inputs)
                    for (int j = 0; j < W; j++) {
                        if (j >= outputs) break;
                        sum += d[j] * weight[j * W + i];
                    }
                next[i] = sum;
            }
            SMALL(small_activation_backward)(network->activations[l - 1], z[l - 1], a[l - 1], next, inputs, mask);
            VT *swap = d; d = next; next = swap;
        }
    }

    if (computeGradients) {
        for (long l = 0; l < layers; l++) {
            const long inputs = widths[l], outputs = widths[l + 1];
            const VT *weightSum = sums + l * (W * W + W), *biasSum = weightSum + W * W;
            for (long j = 0; j < outputs; j++) {
                for (long i = 0; i < inputs; i++)
                    network->weight_gradients[l][j * inputs + i] = SMALL(small_sum_lanes)(weightSum[j * W + i]);
                if (network->bias_gradients[l]) network->bias_gradients[l][j] = SMALL(small_sum_lanes)(biasSum[j]);
            }
        }
    }
    if (rows == 0) return 0;
    const double sum = SMALL(small_sum_lanes_double)(&total);
    return loss == BP_SMALL_BINARY_CROSS_ENTROPY ? sum / (double)(rows * k) : sum / (double)rows;
}

#undef FIXED_RUN
