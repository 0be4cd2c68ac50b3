"""Training knobs for gen_torch.py (issue 17), as a PyTorch user writes them: AdamW, an epoch
scheduler stepped after every epoch, clip_grad_norm_ / clip_grad_value_ between backward and
step, and the loss options label_smoothing, weight and pos_weight. Hooks, one line each in
gen_torch.py: OPTIMIZERS, loss_options(cfg), scheduler(e, opt), clip(e, params)."""
import torch

OPTIMIZERS = {"adamw": torch.optim.AdamW}


def loss_options(cfg):
    """Keyword arguments for the torch.nn loss beyond reduction, delta and beta."""
    out = {}
    if "label_smoothing" in cfg:
        out["label_smoothing"] = cfg["label_smoothing"]
    for key in ("weight", "pos_weight"):
        if key in cfg:
            out[key] = torch.tensor(cfg[key], dtype=torch.float32)
    return out


def scheduler(e, opt):
    """The experiment's torch.scheduler, or None."""
    s = e["torch"].get("scheduler")
    if s is None:
        return None
    name = s["name"]
    if name == "step_lr":
        return torch.optim.lr_scheduler.StepLR(opt, s["step_size"], gamma=s.get("gamma", 0.1))
    if name == "multistep_lr":
        return torch.optim.lr_scheduler.MultiStepLR(opt, s["milestones"], gamma=s.get("gamma", 0.1))
    if name == "exponential_lr":
        return torch.optim.lr_scheduler.ExponentialLR(opt, s["gamma"])
    raise SystemExit("unknown scheduler " + name)


def clip(e, params):
    """clip_grad_norm_ / clip_grad_value_ as the loop calls them, between backward and step."""
    t = e["torch"]
    if "clip_grad_norm" in t:
        torch.nn.utils.clip_grad_norm_(params, t["clip_grad_norm"])
    if "clip_grad_value" in t:
        torch.nn.utils.clip_grad_value_(params, t["clip_grad_value"])
