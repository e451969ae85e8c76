"""A tiny detector that follows the kd3d detector interface exactly (forward -> taps, loss -> loss_det_*, predict),
for testing the training engine without the real detectors. The same class is written out in nbs/18_train.ipynb.
Its losses are means over the samples of a batch, so DDP (which averages gradients over processes) on equal
per-process batches gives the gradient of the whole global batch."""
from __future__ import annotations
from dataclasses import dataclass, fields
import torch
import torch.nn.functional as F
from torch import nn
from kd3d.core import CLASSES
from kd3d.geometry import encode_boxes, decode_boxes

@dataclass
class StandInConfig:
    channels:int = 16 # C
    num_queries:int = 20 # Q
    num_layers:int = 2 # L
    dropout:float = 0.1 # exercises the RNG state that checkpoints must restore
    max_num:int = 50 # boxes kept per sample by `predict`

class StandInDetector(nn.Module):
    "Conv backbone -> global context added to learned queries -> L residual MLP layers -> class and box heads."
    def __init__(self, cfg:StandInConfig):
        super().__init__()
        C, K = cfg.channels, len(CLASSES)
        self.cfg = cfg
        self.backbone = nn.Sequential(nn.Conv2d(3, C, 5, stride=4, padding=2), nn.ReLU(), nn.Conv2d(C, C, 3, stride=2, padding=1))
        self.query_embed = nn.Embedding(cfg.num_queries, C)
        self.sampling_offsets = nn.Linear(C, C)  # named like SparseBEV's, to meet its lr multiplier
        self.layers = nn.ModuleList(nn.Linear(C, C) for _ in range(cfg.num_layers))
        self.dropout = nn.Dropout(cfg.dropout)
        self.cls_head, self.reg_head = nn.Linear(C, K), nn.Linear(C, 10)
        self.register_buffer('code_scale', torch.tensor([50., 50., 5., 1., 1., 1., 1., 1., 10., 10.]))  # metric units

    def forward(self, batch:dict)->dict:
        img = batch['img']  # (B, T, N, 3, H, W)
        B, T, N = img.shape[:3]
        f = self.backbone(img.flatten(0, 2))  # (B*T*N, C, h, w)
        ctx = f.mean((2, 3)).unflatten(0, (B, T * N)).mean(1)  # (B, C)
        q = self.query_embed.weight[None] + ctx[:, None]  # (B, Q, C)
        q = q + torch.tanh(self.sampling_offsets(q))
        feats, cls, box = [], [], []
        for layer in self.layers:
            q = q + self.dropout(torch.relu(layer(q)))
            feats.append(q); cls.append(self.cls_head(q)); box.append(self.reg_head(q) * self.code_scale)
        return dict(cls_logits=torch.stack(cls), boxes=torch.stack(box), query_feats=torch.stack(feats),  # (L, B, Q, K|10|C)
                    img_feats=[f.unflatten(0, (B, T, N))])  # (B, T, N, C, h, w)

    def loss(self, taps:dict, batch:dict)->dict:
        "Query i learns the i-th nearest ground-truth box (no matcher): BCE on classes, L1 on the scaled box code."
        L, B, Q, K = taps['cls_logits'].shape
        out = {}
        for l in range(L):
            cls_terms, box_terms = [], []
            for b in range(B):
                gt, labels = batch['gt_boxes'][b].float(), batch['gt_labels'][b]
                order = gt[:, :2].norm(dim=1).argsort()[:Q]  # nearest first
                m = len(order)
                target = torch.zeros(Q, K, device=gt.device)
                target[torch.arange(m, device=gt.device), labels[order]] = 1
                cls_terms.append(F.binary_cross_entropy_with_logits(taps['cls_logits'][l, b].float(), target))
                pred = taps['boxes'][l, b, :m].float() / self.code_scale
                box_terms.append(F.l1_loss(pred, encode_boxes(gt[order]) / self.code_scale) if m else pred.sum() * 0)
            suffix = '' if l == L - 1 else f'_d{l}'
            out['loss_det_cls' + suffix] = torch.stack(cls_terms).mean()
            out['loss_det_bbox' + suffix] = 0.25 * torch.stack(box_terms).mean()
        return out

    @torch.no_grad()
    def predict(self, taps:dict, batch:dict)->list:
        "Top `max_num` (query, class) pairs of the last layer as boxes (M, 9), scores (M,), labels (M,)."
        scores = taps['cls_logits'][-1].float().sigmoid()  # (B, Q, K)
        B, Q, K = scores.shape
        out = []
        for b in range(B):
            s, i = scores[b].flatten().topk(min(self.cfg.max_num, Q * K))
            boxes = decode_boxes(taps['boxes'][-1, b].float()[i // K])  # (M, 9)
            out.append(dict(boxes=boxes, scores=s, labels=i % K))
        return out

PRESETS = {'toy': {}, 'small': dict(channels=8, num_queries=10, num_layers=1)}

def build_model(cfg:dict)->StandInDetector:
    "A `StandInDetector` from the flat dict of its config fields; unknown keys are an error."
    known = {f.name for f in fields(StandInConfig)}
    bad = sorted(set(cfg) - known)
    if bad: raise ValueError(f"unknown StandInConfig fields {bad}: valid are {sorted(known)}")
    return StandInDetector(StandInConfig(**cfg))
