"""Golden values for the optimisers: torch.optim.Adam and SGD (PyTorch 1.13) replayed on fixed gradients.

Run with Debian's PyTorch:  /usr/bin/python3 make_optimizer_fixtures.py
Writes optimizer_expected.safetensors beside this script: for each configuration, the initial parameter `p0`,
the gradients `g1..g3` fed at steps 1..3, and the parameters `p1..p3` after each step. Because the gradients are
given (not computed), the comparison isolates the update rule and can be held to 1e-6 relative.
"""
import os
from collections import OrderedDict

import torch

from make_r20_fixtures import write_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIGS = OrderedDict([
    ("adam", lambda p: torch.optim.Adam([p], lr=1e-3)),
    ("adam_wd", lambda p: torch.optim.Adam([p], lr=1e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("sgd_momentum", lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("sgd_nesterov", lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.9, nesterov=True)),
])


def main():
    torch.manual_seed(2024)
    out = OrderedDict()
    base = torch.randn(4, 5)
    grads = [torch.randn(4, 5) * s for s in (1.0, 0.01, 3.0)]
    for name, make in CONFIGS.items():
        p = torch.nn.Parameter(base.clone())
        opt = make(p)
        out[f"{name}.p0"] = base.clone()
        for step, g in enumerate(grads, start=1):
            p.grad = g.clone()
            opt.step()
            out[f"{name}.g{step}"] = g.clone()
            out[f"{name}.p{step}"] = p.detach().clone()
    write_safetensors(os.path.join(HERE, "optimizer_expected.safetensors"), out, {"torch": torch.__version__})
    print("wrote", len(out), "tensors")


if __name__ == "__main__":
    main()
