"Every shipped config loads, names a detector that builds, and asks for frames its preset can use."
import pytest, torch
from kd3d.config import list_configs, load_config
from kd3d.train import build_detector


def test_the_three_toy_detectors_ship_a_config():
    names = list_configs()
    for det in ('detr3d', 'sparsebev', 'streampetr', 'bevformer'):
        assert f'{det}-toy_demo_toynuscenes' in names, names


@pytest.mark.parametrize('name', list_configs())
def test_config_loads_and_builds(name):
    cfg = load_config(name)
    model = build_detector(cfg.model)
    n = sum(p.numel() for p in model.parameters())
    assert n > 10_000, (name, n)
    assert cfg.data.num_past >= (1 if cfg.model.name in ('sparsebev', 'streampetr', 'bevformer') else 0)
