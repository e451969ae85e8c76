"Imports point down the chapters: a module imports only modules of earlier chapters, at its top, and no private names."
import ast, json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROOT_OK = {'kd3d'}  # the package itself (__version__, its folder): not a chapter


def chapters() -> dict:
    "{module: notebook name} from each notebook's `#| default_exp`."
    out = {}
    for nb in sorted((ROOT / 'nbs').glob('*.ipynb')):
        for cell in json.loads(nb.read_text())['cells']:
            m = re.search(r'^#\|\s*default_exp\s+(\S+)', ''.join(cell['source']), re.M)
            if m: out['kd3d.' + m.group(1)] = nb.stem; break
    return out


def imports(path: Path, module: str) -> list:
    "(imported kd3d module, names, at module level?) of one file; relative imports resolved."
    tree, out = ast.parse(path.read_text()), []
    top = set(map(id, tree.body))
    package = module.rsplit('.', 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit('.', node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else: target = node.module or ''
            names = [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            target, names = node.names[0].name, []
        else: continue
        if target == 'kd3d' or target.startswith('kd3d.'): out.append((target, names, id(node) in top))
    return out


def test_every_import_points_to_an_earlier_chapter():
    ch = chapters()
    assert len(ch) >= 20 and ch['kd3d.cli'] > ch['kd3d.distill.recipes'] > ch['kd3d.train'], ch
    bad = []
    for module, nb in ch.items():
        path = ROOT / (module.replace('.', '/') + '.py')
        for target, names, at_top in imports(path, module):
            if target in ROOT_OK: continue
            # 'kd3d.models' + 'head' -> the module kd3d.models.head, when that is a module
            mods = [f'{target}.{n}' for n in names if f'{target}.{n}' in ch] or [target]
            for t in mods:
                if t not in ch: bad.append(f'{module} imports {t}, which no notebook exports'); continue
                if ch[t] >= nb: bad.append(f'{module} ({nb}) imports {t} ({ch[t]}): against the chapter order')
            if not at_top: bad.append(f'{module} imports {target} inside a function: import it at the top')
            bad += [f'{module} imports the private name {target}.{n}' for n in names if n.startswith('_') and not n.startswith('__')]
    assert not bad, '\n'.join(bad)


def test_the_check_sees_an_upward_import(tmp_path):
    p = tmp_path / 'm.py'
    p.write_text('from .distill.core import Distiller\ndef f():\n    from kd3d.train import _gather\n')
    got = imports(p, 'kd3d.m')
    assert got == [('kd3d.distill.core', ['Distiller'], True), ('kd3d.train', ['_gather'], False)]
