"Every shipped config loads, names a detector that builds, and asks for frames its preset can use; every distillation config pairs."
import pytest, torch
from pathlib import Path
import kd3d
from kd3d.config import list_configs, load_config, is_distill_config, ConfigError
from kd3d.train import build_detector, load_checkpoint, load_model_state
from kd3d.distill.core import term_specs, kd_methods, KDTerm, Distiller, distill_views
from kd3d.distill.recipes import load_any_config, list_distill_configs

PLAIN = list_configs()


def without_trunk_files(cfg):
    "The config with its pretrained trunk files unset (the full-nuScenes configs name official checkpoints the tests do not have)."
    for m in (cfg.model, getattr(cfg, 'teacher', None)):
        if m is not None and 'backbone.weights' in m.overrides: m.overrides = {**m.overrides, 'backbone.weights': None}
    return cfg

DISTILL = list_distill_configs()  # composed by name from kd3d/configs/pairs (chapter 22)
PAIRS = ['bevformer-toy_from_bevformer-toy-teacher_demo_toynuscenes', 'detr3d-toy_from_detr3d-toy-teacher_demo_toylearn',
         'bevformer-toy-student_from_bevformer-toy-teacher_demo_toylearn', 'bevformer-tiny_from_bevformer-base_24e_nuscenes',
         'detr3d-r50_from_detr3d-r101_24e_nuscenes'] + [f'bevformer-skd-student{i}_from_bevformer-skd-teacher{i}_24e_nuscenes' for i in (1, 2, 3)]
SKD = ['skd', 'skd-st', 'skd-resp', 'skd-inherit', 'skd-resp-inherit', 'skd-st-inherit', 'skd-st-resp', 'skd-init']  # chapter 23, Table 4
FD3D = ['fd3d', 'fd3d-mask']
SKD_PAIRS = ['bevformer-toy-student_from_bevformer-toy-teacher_demo_toylearn'] + \
            [f'bevformer-skd-student{i}_from_bevformer-skd-teacher{i}_24e_nuscenes' for i in (1, 2, 3)]  # where SKD must build  # chapter 24 (fd3d-focal on BEVFormer, fd3d-focal-img on DETR3D)
BASELINES = ['hinton', 'at', 'ofd', 'rkd', 'sp', 'vid', 'fbkd', 'defeat']  # Structured KD's Table 2, plus FitNet, CWD, MGD


def test_the_toy_detectors_ship_a_config():
    for det in ('detr3d', 'sparsebev', 'streampetr', 'bevformer'):
        for world in ('toynuscenes', 'toylearn'):  # the realistic toy world and the learn world (chapter 02a)
            assert f'{det}-toy_demo_{world}' in PLAIN, PLAIN


def test_the_shipped_configs_are_plain_runs():  # distillations are composed, not stored per pairing
    assert not [n for n in PLAIN if is_distill_config(n)]


def test_every_baseline_has_a_config_for_every_pair():
    for pair in PAIRS:
        for m in BASELINES + ['fitnet', 'cwd', 'mgd']:
            assert f'{m}_{pair}' in DISTILL, f'{m}_{pair}'


def test_the_papers_methods_are_offered_where_they_apply():
    for p in SKD_PAIRS:
        for m in SKD + FD3D + ['fd3d-focal']: assert f'{m}_{p}' in DISTILL, f'{m}_{p}'
    for p in [p for p in PAIRS if p.startswith('detr3d')]:
        for m in FD3D + ['fd3d-focal-img']: assert f'{m}_{p}' in DISTILL, f'{m}_{p}'
        assert not any(n.startswith(('skd', 'fd3d-focal_')) and n.endswith(p) for n in DISTILL), p


TEMPORAL_PAIRS = {'sparsebev-toy_from_sparsebev-toy-long_demo_toylearn': (3, 0), 'sparsebev-toy_from_sparsebev-toy-offline_demo_toylearn': (1, 1),
                  'sparsebev-r50-4f_from_sparsebev-r50_24e_nuscenes': (7, 0), 'sparsebev-r50_from_sparsebev-r101-offline_24e_nuscenes': (7, 7),
                  'streampetr-r50_from_sparsebev-r101-offline-kf_24e_nuscenes': (7, 7)}  # chapters 25-27: the teacher's (past, future)


def test_the_temporal_methods_are_offered_where_they_apply():
    for p, (past, future) in TEMPORAL_PAIRS.items():
        cfg = load_any_config(f'tempdistiller_{p}' if p.startswith('sparsebev') else f'ftkd_{p}')
        assert distill_views(cfg)['teacher'] == (past, future), p  # the teacher sees the frames it was trained on
        assert (f'tempdistiller_{p}' in DISTILL) == p.startswith('sparsebev'), p  # TempDistiller reads SparseBEV's per-frame queries
        for m in ('ftkd', 'ftkd-pv', 'ftkd-bev', 'ftkd-logit', 'ftkd-mask40', 'ftkd-mask75', 'ftkd-mask90'):
            assert (f'{m}_{p}' in DISTILL) == (future > 0), (m, p)  # FTKD needs an offline teacher
    with pytest.raises(ConfigError, match='offline teacher'):
        load_any_config('ftkd_sparsebev-toy_from_sparsebev-toy-long_demo_toylearn')


@pytest.mark.parametrize('name', PLAIN)
def test_config_loads_and_builds(name):
    cfg = without_trunk_files(load_config(name))
    model = build_detector(cfg.model)
    n = sum(p.numel() for p in model.parameters())
    assert n > 10_000, (name, n)
    assert cfg.data.num_past >= (1 if cfg.model.name in ('sparsebev', 'streampetr', 'bevformer') else 0)
    if cfg.model.name == 'bevformer': assert cfg.data.num_past >= model.cfg.num_history, name


@pytest.mark.parametrize('name', DISTILL)
def test_distill_config_pairs(name):
    cfg = without_trunk_files(load_any_config(name))
    specs = term_specs(cfg.distill.losses)
    method = kd_methods()[name.split('_')[0]]  # the name starts with its method
    assert (specs or cfg.distill.inherit) and all(s.method in kd_methods() for s in specs.values())
    assert method.module is None or method.name in {s.method for s in specs.values()}  # a recipe names other methods' losses
    # the pair, every term (adapters, taps, forms, channels from the detectors' tap_specs, the methods' own pairing rules)
    # and the inherited tensors; paper sizes on the meta device, which allocates no memory
    with torch.device('cpu' if 'toy' in cfg.model.preset else 'meta'):
        student, teacher = build_detector(cfg.model), build_detector(cfg.teacher)
        try: d = Distiller(student, teacher, specs, inherit=cfg.distill.inherit, inherit_freeze=cfg.distill.inherit_freeze,
                           views=distill_views(cfg))
        except ConfigError as e:
            # Structured KD needs equal BEV queries and attention shapes: on pairs without them it is refused, clearly
            strict = cfg.distill.inherit or any(kd_methods()[s.method].check for s in specs.values())
            if name.partition('_')[2] in SKD_PAIRS or not strict: raise
            assert ' in the student but ' in str(e) or ' != teacher.' in str(e), str(e)
            return
        for n, s in specs.items():
            assert (d.terms[n].s_channels, d.terms[n].t_channels) == (student.tap_spec(s.tap).channels, teacher.tap_spec(s.tap).channels)


@pytest.mark.parametrize('path', sorted((Path(kd3d.__file__).parent / 'weights').glob('*.pt')), ids=lambda p: p.stem)
def test_shipped_weights_load_into_their_config(path):
    "Each shipped teacher loads, every tensor in place, into the detector of the config it is named after."
    state = load_checkpoint(path)
    model = build_detector(load_config(path.stem).model)
    load_model_state(model, state['model'], str(path), state.get('config'))
    assert state['metrics']['mAP'] > 0.1, state['metrics']  # a teacher that detects (chapter 29, 40_experiments)


MONO_PAIRS = ['mono-toy_from_mono-toy-depth_demo_toylearn', 'mono-r50_from_mono-r50-depth_24e_nuscenes']  # chapter 26


def test_monostl_is_offered_where_it_applies():
    for p in MONO_PAIRS:
        for m in ('monostl', 'monostl-dasfd', 'monostl-dasrd', 'monostl-head', 'cwd', 'mgd'): assert f'{m}_{p}' in DISTILL, (m, p)
        assert f'hinton_{p}' not in DISTILL  # no query logits in a monocular detector
        assert load_any_config(f'monostl_{p}').data.with_depth  # the pair loads the depth its teacher reads
    assert 'monostl-mv_detr3d-toy_from_mono-toy-depth_demo_toylearn' in DISTILL
    assert 'monostl_detr3d-toy_from_mono-toy-depth_demo_toylearn' not in DISTILL  # the full recipe needs a depth head in the student
    assert not [n for n in DISTILL if n.startswith('monostl') and 'mono-' not in n.partition('_from_')[2]]  # and a mono teacher


OFFICIAL_LR_MULT = {'detr3d': 0.1, 'bevformer': 0.1, 'sparsebev': 0.1, 'streampetr': 0.25, 'mono': 0.1}  # mmdetection's img_backbone lr_mult
OFFICIAL_LR_MULT_OF = {'streampetr-r50-428q_60e_nuscenes': 0.1}  # configs whose official file differs from their detector's usual (..._428q_nui_60e.py:239)


@pytest.mark.parametrize('name', [n for n in PLAIN if n.endswith('_nuscenes')])
def test_full_configs_slow_the_trunk_only(name):
    "The official multipliers: the image trunk slowed (SparseBEV also its sampling offsets), the FPN and everything else at 1x."
    from kd3d.recipe import param_groups
    cfg = without_trunk_files(load_config(name))
    with torch.device('meta'): model = build_detector(cfg.model)
    mult = {id(p): g['lr_mult'] for g in param_groups(model, 1.0, 0.0, cfg.train.lr_mult) for p in g['params']}
    trunk = 1.0 if cfg.model.preset.endswith('depth_paper') else OFFICIAL_LR_MULT_OF.get(name, OFFICIAL_LR_MULT[cfg.model.name])  # a from-scratch depth trunk: 1x
    for n, p in model.named_parameters():
        if not p.requires_grad: continue
        want = trunk if n.startswith('backbone.trunk.') else 0.1 if (cfg.model.name == 'sparsebev' and 'sampling_offset' in n) else 1.0
        assert mult[id(p)] == want, (name, n, mult[id(p)], want)
