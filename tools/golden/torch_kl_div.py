"""Values of PyTorch 1.13's KLDivLoss for tests/torch/kl_div_loss_test.cpp (float32).

Run with /usr/bin/python3 (Debian's python3-torch); prints JSON.
"""
import json
import warnings

import torch
import torch.nn.functional as F

X = [[-1.2, -0.4, -2.0], [-0.7, -1.5, -0.9]]
P = [[0.2, 0.5, 0.3], [0.0, 0.6, 0.4]]          # a zero: 0 log 0 = 0
LOG_P = [[-1.0, -0.3, -2.2], [-0.1, -1.7, -0.6]]
ROW = [[0.1, 0.7, 0.2]]                          # broadcast over the batch


def case(target, reduction, log_target):
    x = torch.tensor(X, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loss = F.kl_div(x, torch.tensor(target), reduction=reduction, log_target=log_target)
    loss.sum().backward()
    return {"reduction": reduction, "log_target": log_target, "target": target,
            "value": loss.tolist(), "input_grad": x.grad.tolist(),
            "warnings": [str(w.message) for w in caught]}


def main():
    cases = [case(P, r, False) for r in ("none", "sum", "mean", "batchmean")]
    cases += [case(LOG_P, r, True) for r in ("none", "sum", "mean", "batchmean")]
    cases.append(case(ROW, "sum", False))
    cases.append(case(ROW, "batchmean", False))
    scalar = F.kl_div(torch.tensor(2.0), torch.tensor(3.0), reduction="batchmean")
    print(json.dumps({"framework": "PyTorch " + torch.__version__, "input": X, "cases": cases,
                      "scalar_batchmean": {"input": 2.0, "target": 3.0, "value": scalar.item()}}, indent=1))


if __name__ == "__main__":
    main()
