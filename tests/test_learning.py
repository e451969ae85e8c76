"""Does the toy learn? Two checks of the whole chain, data to devkit, on the `learn` world (chapter 02a):

- train-on-val sanity: a detector trained on a few val samples and scored on them must fit them. A break of the
  box code, the decoding, a coordinate convention or the evaluation sends this to zero.
- the shipped teacher (kd3d/weights, chapter 29) detects in a learn world generated with another seed, which it
  has never seen: the trained weights load, and they generalise.
"""
import json
import pytest
from test_resume import kd3d
from kd3d.toyworld import make_toy_nuscenes
from kd3d.config import load_config
from kd3d.demo import DEMO_TEACHER, DEMO_STUDENT, shipped_teacher


@pytest.fixture(scope='module')
def learn_small(tmp_path_factory):
    "A small learn world of another seed than the shipped teacher's: 1 train and 4 val scenes (16 val samples)."
    return make_toy_nuscenes(tmp_path_factory.mktemp('learn') / 'learn', 'learn', seed=1, n_train=1, n_val=4, progress=False)


def test_train_on_val_fits(learn_small, tmp_path):
    run = tmp_path / 'run'
    kd3d('train', '--config', DEMO_STUDENT, f'data.data_root={learn_small}', 'data.make_toy=none', 'data.train_split=val',
         'train.max_steps=150', 'train.eval_interval=0', f'train.out_dir={run}', 'train.log_interval=50')
    m = json.loads((run / 'metrics.json').read_text())
    assert m['mAP'] > 0.5, m  # 0.74 when measured (150 steps, 16 samples; 0.95 at 300): it must fit what it trains on


def test_shipped_teacher_detects_in_an_unseen_world(learn_small, tmp_path):
    ckpt = shipped_teacher(DEMO_TEACHER)
    assert ckpt is not None and ckpt.stat().st_size < 8 * 2**20  # a few MB, shipped in the package
    p = kd3d('eval', '--config', DEMO_TEACHER, '--checkpoint', ckpt, f'data.data_root={learn_small}', 'data.make_toy=none',
             '--out', tmp_path / 'eval')
    m = json.loads((tmp_path / 'eval' / 'metrics.json').read_text())
    assert m['mAP'] > 0.30 and m['NDS'] > 0.30, m  # 0.458 / 0.411 when measured (car 0.61, truck 0.35, pedestrian 0.42); the demo's student scores about 0.05
