"""Write README.md from nbs/index.ipynb (nbdev_readme needs Quarto, which these machines cannot install).

Markdown cells are copied as they are; code cells become ```python blocks unless they carry a `#| hide`
directive. Run `python tests/make_readme.py` after editing nbs/index.ipynb; tests/test_readme.py checks that
the two agree.
"""
import json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def render_readme(nb_path=ROOT / 'nbs' / 'index.ipynb') -> str:
    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for cell in nb['cells']:
        src = ''.join(cell['source']).strip('\n')
        if not src: continue
        if cell['cell_type'] == 'markdown':
            parts.append(src.replace('](images/', '](nbs/images/'))
        elif cell['cell_type'] == 'code':
            if re.search(r"^#\|\s*hide", src, re.M): continue
            body = '\n'.join(l for l in src.splitlines() if not l.startswith('#|'))
            if body.strip(): parts.append('```python\n' + body.strip('\n') + '\n```')
    return '\n\n'.join(parts) + '\n'


if __name__ == '__main__':
    (ROOT / 'README.md').write_text(render_readme())
    print('wrote', ROOT / 'README.md')
