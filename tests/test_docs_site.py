"""The docs site (`./run docs`, docs/build.py): it builds offline from the notebooks' saved outputs, and every page
renders in headless Chromium with its images loaded, no console error, and no request leaving localhost.

The browser half needs Debian's `chromium` (`apt-get install chromium`, as .ci/run does) and the `playwright` package
(in the dev extras; it drives the system browser, it downloads none). Without Chromium it is skipped, and says so.
Screenshots of the index and of one chapter are kept in build/test-artifacts/."""
import functools, http.server, json, shutil, sys, threading
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'docs'))
import build as docs_build  # docs/build.py

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
ARTIFACTS = ROOT / 'build' / 'test-artifacts'
CHAPTER_SHOT = '13_detr3d'  # a chapter with equations, code, shapes and a picture
# flags for a closed network (see the machine notes): no background fetches, no QUIC, no first-run pages
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync']


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp('site')
    info = docs_build.build(out / 'html', out / 'src')
    return out / 'html', info


def test_site_has_every_chapter_and_module(site):
    html, info = site
    chapters = sorted(p.stem for p in (ROOT / 'nbs').glob('*.ipynb') if p.stem != 'index')
    for stem in chapters: assert (html / f'{stem}.html').is_file(), stem
    for mod in docs_build.modules(): assert (html / 'api' / f'{mod}.html').is_file(), mod
    assert (html / 'search.html').is_file() and (html / 'searchindex.js').is_file()
    assert info['pages'] >= len(chapters) + len(docs_build.modules()) + 2
    assert info['warnings'] == [], 'Sphinx warned (a docstring that is not valid reST?):\n' + '\n'.join(info['warnings'])
    # an API page carries the docstrings: chapter 13's detector and its signature
    api = (html / 'api' / 'kd3d.models.detr3d.html').read_text()
    assert 'DETR3D' in api and 'build_model' in api
    # no page points at a network address for a script, style sheet or font
    for p in html.rglob('*.html'):
        text = p.read_text()
        for tag in ('<script src="http', '<link href="http', "<script src='http"):
            assert tag not in text, f'{p.name} loads {tag}...'


def test_widgets_become_their_note(site):
    html, _ = site
    page = (html / '30_widgets.html').read_text()
    assert 'A live widget stands here' in page and 'widget-view' not in page  # the note, with how to run it live
    staged = docs_build.stage_notebook(json.loads((ROOT / 'nbs' / '30_widgets.ipynb').read_text()))
    kinds = {k for c in staged['cells'] for o in c.get('outputs', []) for k in o.get('data', {})}
    assert docs_build.WIDGET_VIEW not in kinds and 'image/jpeg' in kinds | {'image/png'}
    assert not any(l.lstrip().startswith('#|') for c in staged['cells'] if c['cell_type'] == 'code' for l in c['source'].split('\n'))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass


@pytest.mark.skipif(CHROMIUM is None, reason='no Chromium on this machine (apt-get install chromium): browser test skipped')
def test_every_page_renders_offline_in_chromium(site):
    from playwright.sync_api import sync_playwright
    html, _ = site
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(_Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f'http://127.0.0.1:{server.server_address[1]}/'
    pages = sorted(str(p.relative_to(html)) for p in html.rglob('*.html') if not p.relative_to(html).parts[0].startswith('_'))
    problems, outside = [], []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={'width': 1280, 'height': 900})
            current = {}
            page.on('console', lambda m: m.type == 'error' and problems.append(f"{current['p']}: console: {m.text}"))
            page.on('pageerror', lambda e: problems.append(f"{current['p']}: script error: {e}"))
            page.on('response', lambda r: r.status >= 400 and problems.append(f"{current['p']}: {r.status} {r.url}"))
            def gate(route):
                if route.request.url.startswith(base) or route.request.url.startswith('data:'): return route.continue_()
                outside.append(f"{current['p']}: {route.request.url}"); route.abort()
            page.route('**/*', gate)
            for rel in pages:
                current['p'] = rel
                page.goto(base + rel, wait_until='load')
                broken = page.evaluate("Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
                problems += [f'{rel}: image did not load: {s}' for s in broken]
                if rel in ('index.html', f'{CHAPTER_SHOT}.html'):
                    if rel != 'index.html':  # MathJax typesets the chapter's equations from the local copy
                        page.wait_for_selector('.MathJax, .MathJax_Display', timeout=30_000)
                        page.locator('img').first.scroll_into_view_if_needed()
                    page.screenshot(path=str(ARTIFACTS / ('docs_index.png' if rel == 'index.html' else 'docs_chapter.png')))
            browser.close()
    finally: server.shutdown()
    assert len(pages) > 80
    assert not outside, 'requests left localhost:\n' + '\n'.join(outside[:20])
    assert not problems, '\n'.join(problems[:30])
    assert (ARTIFACTS / 'docs_index.png').stat().st_size > 10_000 and (ARTIFACTS / 'docs_chapter.png').stat().st_size > 10_000
