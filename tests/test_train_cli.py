"`kd3d eval` and `kd3d bench` end to end, and the errors a user meets: a config name that does not exist, an unknown key, a checkpoint of another model, a run folder that already has checkpoints."
import json
import pytest
import torch
from test_resume import kd3d, standin_config


@pytest.fixture(scope='module')
def trained(toy_tiny, tmp_path_factory):
    "Two steps of the stand-in, evaluated with the devkit at the end."
    d = tmp_path_factory.mktemp('trained')
    cfg = standin_config(d / 'standin_cli_toytiny.yaml', toy_tiny, **{'train.max_steps': 2, 'train.eval_interval': 0,
                                                                       'train.eval_classes': 'present'})
    kd3d('train', '--config', cfg, f'train.out_dir={d / "run"}')
    return cfg, d / 'run'


def test_eval_scores_the_checkpoint_like_the_run(trained):
    cfg, run = trained
    p = kd3d('eval', '--config', cfg, '--checkpoint', run / 'checkpoints' / 'step_0000002.pt', '--out', run / 'eval_again')
    assert '| standin_cli_toytiny @ step 2 |' in p.stdout
    again = json.loads((run / 'eval_again' / 'metrics.json').read_text())
    during = json.loads((run / 'metrics.json').read_text())  # written by the training run's final evaluation
    assert again['mAP'] == during['mAP'] and again['NDS'] == during['NDS']


def test_checkpoint_of_another_model_is_a_clear_error(trained):
    cfg, run = trained
    p = kd3d('eval', '--config', cfg, 'model.num_layers=3', '--checkpoint', run / 'checkpoints' / 'step_0000002.pt', check=False)
    assert p.returncode == 2 and 'Traceback' not in p.stderr
    assert 'missing keys 2 (layers.2.weight, layers.2.bias)' in p.stderr and "saved by model.name='standin.detector'" in p.stderr


def test_refuses_to_overwrite_a_run(trained):
    cfg, run = trained
    p = kd3d('train', '--config', cfg, f'train.out_dir={run}', check=False)
    assert p.returncode == 2 and 'already holds checkpoints' in p.stderr and '--resume' in p.stderr


def test_bad_config_names_and_keys(tmp_path):
    p = kd3d('train', '--config', 'detr3d_toy_demo', check=False)
    assert p.returncode == 2 and 'Traceback' not in p.stderr
    assert "config 'detr3d_toy_demo' not found" in p.stderr and 'detr3d-toy_demo_toynuscenes' in p.stderr
    p = kd3d('train', '--config', 'detr3d-toy_demo_toynuscenes', 'train.lr_mul.backbone=0.5', check=False)
    assert p.returncode == 2 and "did you mean 'train.lr_mult'" in p.stderr


def test_bench_reports_every_number(trained, tmp_path):
    cfg, _ = trained
    out = tmp_path / 'bench.json'
    p = kd3d('bench', '--config', cfg, '--steps', 2, '--warmup', 1, '--loader-batches', 2, '--out', out)
    r = json.loads(out.read_text())
    for k in ('forward_latency_ms', 'train_step_ms', 'train_samples_per_s', 'loader_samples_per_s', 'loader_over_train',
              'params', 'train_peak_memory_mb'):
        assert k in r and r[k] == r[k], k  # present and not NaN
    assert r['params'] > 1000 and 'ratios: loader / training' in p.stdout
