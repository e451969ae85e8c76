"Every shipped full-nuScenes config holds its official recipe, setting by setting (chapter 12c; the tables are in the detector chapters)."
import pytest
from kd3d.official import official_recipes, check_recipe, Setting, SAME

RECIPES = official_recipes()
OFFICIAL_MODELS = ['detr3d-r101_24e_nuscenes', 'sparsebev-r50_24e_nuscenes', 'streampetr-r50-428q_60e_nuscenes',
                   'streampetr-r50_24e_nuscenes', 'bevformer-tiny_24e_nuscenes', 'bevformer-small_24e_nuscenes',
                   'bevformer-base_24e_nuscenes']  # issue 15's list: one config per official model


@pytest.mark.parametrize('name', OFFICIAL_MODELS)
def test_every_official_model_has_a_recipe(name):
    assert name in RECIPES, f"{name}: no OFFICIAL_RECIPES entry in its detector module"
    rows = RECIPES[name]
    assert len(rows) >= 20, f"{name}: only {len(rows)} settings; an official recipe sets more than that"
    keys = {s.key for s in rows}
    for must in ('train.lr', 'train.epochs', 'data.image_size', 'model.backbone.weights'):
        assert must in keys, f"{name}: the recipe has no row for {must}"


@pytest.mark.parametrize('name', sorted(RECIPES))
def test_the_config_holds_its_recipe(name):
    assert check_recipe(name, RECIPES[name]) == []


@pytest.mark.parametrize('name', sorted(RECIPES))
def test_each_row_says_where_it_comes_from(name):
    for s in RECIPES[name]:
        assert '@' in s.source and ':' in s.source.split()[-1], f"{name}: {s.what}: source {s.source!r} is not 'repo@commit path:line'"


def test_a_wrong_config_is_caught():
    name = next(iter(RECIPES), None) or pytest.skip('no recipes yet')
    rows = [s for s in RECIPES[name] if s.key == 'train.lr']
    from kd3d.config import load_config
    assert check_recipe(load_config(name, ['train.lr=1.234e-3']), rows) != []
