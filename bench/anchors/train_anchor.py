"""Anchor rows for `npm run bench:train`: the same training as hwsweep's bench in PyTorch or Keras.

Same architectures as hwsweep's zoo on 28x28x1 inputs (src/nn/models/lenet-vgg.ts):
  lenet5: conv 5x5x6 'same' + ReLU, max-pool 2, conv 5x5x16 'valid' + ReLU, max-pool 2, dense 120, 84 (ReLU), 10
  vgg:    3 blocks of 2 x (conv 3x3 'same' without bias, batch norm (momentum 0.9, eps 1e-3), ReLU) + max-pool 2,
          channels 32, 64, 128; dense 128 (ReLU), 10
Same training: batch `--batch`, SGD with momentum 0.9, lr 0.01, softmax cross-entropy, random images and labels
(speed does not depend on the values). An 8-batch warm-up, then `--images` timed training images; inference is a
forward pass over `--images` images in batches of 256.

Prints ONE JSON line: {"framework", "version", "model", "batch", "threads", "train_img_per_s",
"train_img_per_cpu_s", "infer_img_per_s"}.

  python train_anchor.py --framework torch --model vgg --images 1024 --threads 1
"""
import argparse
import json
import os
import time


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--framework", choices=["torch", "keras"], required=True)
    p.add_argument("--model", choices=["lenet5", "vgg"], required=True)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--images", type=int, default=4096)
    p.add_argument("--threads", type=int, default=0, help="intra-op threads; 0 = the framework's default")
    a = p.parse_args()
    if a.batch < 1 or a.images < a.batch:
        p.error(f"--images ({a.images}) must be >= --batch ({a.batch}) >= 1")
    return a


def timed(f):
    c0, t0 = time.process_time(), time.perf_counter()
    f()
    return time.perf_counter() - t0, time.process_time() - c0


def run_torch(a):
    import torch
    from torch import nn

    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    if a.model == "lenet5":
        net = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
        )
    else:
        layers, cin = [], 1
        for ch in (32, 64, 128):
            for _ in range(2):
                # PyTorch's BN momentum is 1 - Keras's (0.9 there = 0.1 here).
                layers += [nn.Conv2d(cin, ch, 3, padding=1, bias=False), nn.BatchNorm2d(ch, eps=1e-3, momentum=0.1), nn.ReLU()]
                cin = ch
            layers.append(nn.MaxPool2d(2))
        net = nn.Sequential(*layers, nn.Flatten(), nn.Linear(128 * 3 * 3, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(a.images, 1, 28, 28)
    y = torch.randint(0, 10, (a.images,))

    def train(n):
        net.train()
        for s in range(0, n, a.batch):
            opt.zero_grad()
            loss = loss_fn(net(x[s : s + a.batch]), y[s : s + a.batch])
            loss.backward()
            opt.step()
        float(loss)  # synchronise, like hwsweep's per-batch loss read

    def infer():
        net.eval()
        with torch.no_grad():
            for s in range(0, a.images, 256):
                net(x[s : s + 256])

    train(min(a.images, 8 * a.batch))
    wall, cpu = timed(lambda: train(a.images))
    iwall, _ = timed(infer)
    return torch.__version__, torch.get_num_threads(), wall, cpu, iwall


def run_keras(a):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf

    if a.threads:
        tf.config.threading.set_intra_op_parallelism_threads(a.threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.random.set_seed(1)
    L = tf.keras.layers
    inp = tf.keras.Input((28, 28, 1))
    if a.model == "lenet5":
        h = L.Conv2D(6, 5, padding="same", activation="relu")(inp)
        h = L.MaxPooling2D(2)(h)
        h = L.Conv2D(16, 5, activation="relu")(h)
        h = L.MaxPooling2D(2)(h)
        h = L.Flatten()(h)
        h = L.Dense(120, activation="relu")(h)
        h = L.Dense(84, activation="relu")(h)
    else:
        h = inp
        for ch in (32, 64, 128):
            for _ in range(2):
                h = L.Conv2D(ch, 3, padding="same", use_bias=False)(h)
                h = L.BatchNormalization(momentum=0.9, epsilon=1e-3)(h)
                h = L.ReLU()(h)
            h = L.MaxPooling2D(2)(h)
        h = L.Flatten()(h)
        h = L.Dense(128, activation="relu")(h)
    model = tf.keras.Model(inp, L.Dense(10)(h))
    model.compile(
        optimizer=tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    rng = np.random.default_rng(1)
    x = rng.random((a.images, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, a.images)
    warm = min(a.images, 8 * a.batch)
    model.fit(x[:warm], y[:warm], batch_size=a.batch, epochs=1, verbose=0, shuffle=False)
    wall, cpu = timed(lambda: model.fit(x, y, batch_size=a.batch, epochs=1, verbose=0, shuffle=False))
    model.predict(x[:256], batch_size=256, verbose=0)
    iwall, _ = timed(lambda: model.predict(x, batch_size=256, verbose=0))
    threads = tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count()
    return tf.__version__, threads, wall, cpu, iwall


def main():
    a = parse()
    version, threads, wall, cpu, iwall = (run_torch if a.framework == "torch" else run_keras)(a)
    print(json.dumps({
        "framework": a.framework,
        "version": version,
        "model": a.model,
        "batch": a.batch,
        "threads": threads,
        "train_img_per_s": a.images / wall,
        "train_img_per_cpu_s": a.images / cpu,
        "infer_img_per_s": a.images / iwall,
    }))


if __name__ == "__main__":
    main()
