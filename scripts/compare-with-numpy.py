#!/usr/bin/env python3
"""Trains seed-style networks with `backprop train` and with an independent numpy
implementation from the same initial weights (full batch, file order), then compares the
per-epoch losses and the final parameters.

    swift build -c release && python3 scripts/compare-with-numpy.py [path/to/backprop]

Needs only numpy. Exits non-zero when a difference exceeds the float32 budget.
"""
import json, os, struct, subprocess, sys, tempfile
import numpy as np

BACKPROP = sys.argv[1] if len(sys.argv) > 1 else ".build/release/backprop"


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype="<f4").reshape(info["shape"])
    return out


ACTIVATIONS = {
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z, a: a * (1 - a)),
    "tanh": (np.tanh, lambda z, a: 1 - a * a),
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(z.dtype)),
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),
}


def loss_and_delta(kind, logits, targets):
    n = logits.shape[0]
    if kind == "softmax-cross-entropy":
        m = logits.max(axis=1, keepdims=True)
        lse = m + np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
        labels = targets[:, 0].astype(int)
        loss = float(np.mean(lse[:, 0] - logits[np.arange(n), labels]))
        p = np.exp(logits - lse)
        p[np.arange(n), labels] -= 1
        return loss, p / n
    if kind == "binary-cross-entropy":
        z, y = logits, targets
        loss = float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
        return loss, (1 / (1 + np.exp(-z)) - y) / z.size
    err = logits - targets  # mse: squared L2 norm per example, mean over examples
    return float(np.sum(err * err) / n), 2 * err / n


def train_numpy(params, x, y, activation, loss_kind, lr, epochs, dtype):
    g, g_prime = ACTIVATIONS[activation]
    params = {k: v.astype(dtype) for k, v in params.items()}
    dense = sorted({int(k.split(".")[0]) for k in params})
    losses = []
    for _ in range(epochs):
        a, cache = x.astype(dtype), []
        for i, index in enumerate(dense):
            z = a @ params[f"{index}.weight"].T
            if f"{index}.bias" in params:
                z = z + params[f"{index}.bias"]
            if i < len(dense) - 1:
                cache.append((a, z, g(z)))
                a = cache[-1][2]
            else:
                cache.append((a, z, None))
        loss, delta = loss_and_delta(loss_kind, cache[-1][1], y.astype(dtype))
        losses.append(loss)
        grads = {}
        for i in reversed(range(len(dense))):
            index = dense[i]
            a_prev = cache[i][0]
            grads[f"{index}.weight"] = delta.T @ a_prev
            if f"{index}.bias" in params:
                grads[f"{index}.bias"] = delta.sum(axis=0)
            if i > 0:
                z_prev, a_prev_out = cache[i - 1][1], cache[i - 1][2]
                delta = (delta @ params[f"{index}.weight"]) * g_prime(z_prev, a_prev_out)
        for k in params:
            params[k] = params[k] - dtype(lr) * grads[k]
    return params, losses


def main():
    rng = np.random.default_rng(0)
    worst = 0.0
    cases = []
    for activation in ["sigmoid", "tanh", "relu", "identity"]:
        cases.append(("softmax-cross-entropy", activation, [2, 5, 3], True))
        cases.append(("binary-cross-entropy", activation, [2, 3, 1], activation != "relu"))  # seed 001: no hidden bias
        cases.append(("mse", activation, [3, 4, 2], True))
    cases.append(("softmax-cross-entropy", "tanh", [4, 6, 5, 3], True))
    with tempfile.TemporaryDirectory() as tmp:
        for loss_kind, activation, sizes, hidden_bias in cases:
            n = 40
            x = rng.normal(size=(n, sizes[0])).astype(np.float32)
            if loss_kind == "softmax-cross-entropy":
                y = rng.integers(0, sizes[-1], size=(n, 1)).astype(np.float32)
            elif loss_kind == "binary-cross-entropy":
                y = (x[:, :1] + x[:, 1:2] > 0).astype(np.float32)
            else:
                y = rng.normal(size=(n, sizes[-1])).astype(np.float32)
            params = {}
            for i in range(len(sizes) - 1):
                params[f"{2 * i}.weight"] = rng.normal(scale=0.5, size=(sizes[i + 1], sizes[i])).astype(np.float32)
                if hidden_bias or i == len(sizes) - 2:
                    params[f"{2 * i}.bias"] = rng.normal(scale=0.1, size=(sizes[i + 1],)).astype(np.float32)
            init, data = os.path.join(tmp, "init.safetensors"), os.path.join(tmp, "data.csv")
            out, metrics = os.path.join(tmp, "out.safetensors"), os.path.join(tmp, "metrics.jsonl")
            write_safetensors(init, params)
            np.savetxt(data, np.hstack([x, y]), delimiter=",", fmt="%.9g")
            lr, epochs = 0.1, 25
            subprocess.run([BACKPROP, "train", "--data", f"csv:{data}", "--init-weights", init, "--activation", activation,
                            "--loss", loss_kind, "--learning-rate", str(lr), "--batch-size", "0", "--epochs", str(epochs),
                            "--no-shuffle", "--output", out, "--overwrite", "--metrics", metrics, "--quiet"],
                           check=True, stdout=subprocess.DEVNULL)
            ours = read_safetensors(out)
            our_losses = [json.loads(line)["train_loss"] for line in open(metrics)]
            reference, ref_losses = train_numpy(params, x, y, activation, loss_kind, lr, epochs, np.float64)
            param_error = max(float(np.max(np.abs(ours[k] - reference[k]) / (np.abs(reference[k]) + 1e-3))) for k in reference)
            loss_error = max(abs(a - b) / max(abs(b), 1e-3) for a, b in zip(our_losses, ref_losses))
            worst = max(worst, param_error, loss_error)
            print(f"{loss_kind:22s} {activation:8s} {','.join(map(str, sizes)):9s} hidden bias {str(hidden_bias):5s} "
                  f"max rel. param diff {param_error:.2e}  max rel. loss diff {loss_error:.2e}")
    budget = 1e-4  # float32 training against a float64 reference over 25 steps
    print(f"worst {worst:.2e} (budget {budget:.0e})")
    sys.exit(0 if worst < budget else 1)


if __name__ == "__main__":
    main()
